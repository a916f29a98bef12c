namespace TokenSkip.Models.Tokenization;

/// <summary>
/// GPT-2's byte-to-character table used by byte-level BPE vocabularies (Qwen2.5, Llama 3): printable
/// Latin-1 bytes stand for themselves, the other 68 bytes (controls, space, 0x7F-0xA0, 0xAD) map in order to
/// U+0100.. so that every vocabulary entry is printable text (a space is 'Ġ', a newline 'Ċ').
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly short[] CharToByte = BuildCharToByte();

    /// <summary>The vocabulary character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => ByteToChar[value];

    /// <summary>The byte a vocabulary character stands for; false for characters outside the alphabet.</summary>
    public static bool TryGetByte(char symbol, out byte value)
    {
        if (symbol < CharToByte.Length && CharToByte[symbol] >= 0)
        {
            value = (byte)CharToByte[symbol];
            return true;
        }

        value = 0;
        return false;
    }

    private static bool StandsForItself(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            table[b] = StandsForItself(b) ? (char)b : (char)next++;
        }

        return table;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[256 + 68];
        Array.Fill(table, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            table[ByteToChar[b]] = (short)b;
        }

        return table;
    }
}
