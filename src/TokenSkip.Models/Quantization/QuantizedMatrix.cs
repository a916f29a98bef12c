using System.Runtime.InteropServices;

namespace TokenSkip.Models.Quantization;

/// <summary>
/// A [rows, columns] weight matrix in a <see cref="QuantizationType"/>, row-major, each row a run of blocks. The bytes live
/// either in native memory this object allocated (quantized at load) or in memory owned by someone else, such as a
/// memory-mapped GGUF file, which must outlive the matrix: the kernels read them where they are, never as float32.
/// </summary>
public sealed unsafe class QuantizedMatrix : IDisposable
{
    private byte* _data;
    private readonly bool _ownsData;

    private QuantizedMatrix(QuantizationType type, int rows, int columns, byte* data, bool ownsData)
    {
        Type = type;
        Rows = rows;
        Columns = columns;
        RowBytes = QuantizationTypes.RowBytes(type, columns);
        _data = data;
        _ownsData = ownsData;
    }

    /// <summary>The block format.</summary>
    public QuantizationType Type { get; }

    /// <summary>Output features (rows).</summary>
    public int Rows { get; }

    /// <summary>Input features (columns, a multiple of 32).</summary>
    public int Columns { get; }

    /// <summary>Bytes per row.</summary>
    public long RowBytes { get; }

    /// <summary>Bytes of the whole matrix.</summary>
    public long ByteCount => RowBytes * Rows;

    /// <summary>The first byte of row 0.</summary>
    /// <exception cref="ObjectDisposedException">The matrix was disposed.</exception>
    internal byte* Data => _data != null ? _data : throw new ObjectDisposedException(nameof(QuantizedMatrix));

    /// <summary>The bytes, row after row.</summary>
    public ReadOnlySpan<byte> Bytes => new(Data, checked((int)ByteCount));

    /// <summary>Whether <paramref name="columns"/> can be quantized (a whole number of blocks).</summary>
    public static bool CanQuantize(int columns) => columns > 0 && columns % QuantizationTypes.BlockSize == 0;

    /// <summary>Quantizes a row-major float32 matrix into newly allocated native memory.</summary>
    /// <exception cref="ArgumentException">The sizes disagree or the columns are not a multiple of 32.</exception>
    public static QuantizedMatrix Quantize(QuantizationType type, ReadOnlySpan<float> values, int rows, int columns)
    {
        Check(type, rows, columns);
        if (!QuantizationTypes.IsQuantizable(type))
        {
            throw new ArgumentException($"TokenSkip does not quantize to {QuantizationTypes.NameOf(type)} (only {QuantizationTypes.Names})", nameof(type));
        }

        if (values.Length != (long)rows * columns)
        {
            throw new ArgumentException($"{values.Length} values do not make a [{rows}, {columns}] matrix", nameof(values));
        }

        var matrix = Allocate(type, rows, columns);
        for (var r = 0; r < rows; r++)
        {
            BlockQuantizer.Quantize(type, values.Slice(r * columns, columns), new Span<byte>(matrix._data + r * matrix.RowBytes, (int)matrix.RowBytes));
        }

        return matrix;
    }

    /// <summary>A matrix holding a copy of <paramref name="bytes"/>: rows of <paramref name="type"/> blocks as GGUF stores them.</summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape.</exception>
    public static QuantizedMatrix FromBytes(QuantizationType type, int rows, int columns, ReadOnlySpan<byte> bytes)
    {
        Check(type, rows, columns);
        if (bytes.Length != QuantizationTypes.RowBytes(type, columns) * rows)
        {
            throw new ArgumentException($"{bytes.Length} bytes do not make a [{rows}, {columns}] {QuantizationTypes.NameOf(type)} matrix", nameof(bytes));
        }

        var matrix = Allocate(type, rows, columns);
        bytes.CopyTo(new Span<byte>(matrix._data, bytes.Length));
        return matrix;
    }

    /// <summary>
    /// A matrix over bytes owned by someone else (a memory-mapped file): nothing is copied, and the bytes must stay valid
    /// until the matrix is no longer used.
    /// </summary>
    internal static QuantizedMatrix Wrap(QuantizationType type, int rows, int columns, byte* data)
    {
        Check(type, rows, columns);
        return new QuantizedMatrix(type, rows, columns, data, ownsData: false);
    }

    /// <summary>A matrix in newly allocated (uninitialised, 64-byte aligned) native memory.</summary>
    internal static QuantizedMatrix Allocate(QuantizationType type, int rows, int columns)
    {
        Check(type, rows, columns);
        var bytes = (nuint)(QuantizationTypes.RowBytes(type, columns) * rows);
        return new QuantizedMatrix(type, rows, columns, (byte*)NativeMemory.AlignedAlloc(Math.Max(bytes, 1), 64), ownsData: true);
    }

    /// <summary>Dequantizes rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) into <paramref name="destination"/>.</summary>
    public void DequantizeRows(int start, int count, Span<float> destination)
    {
        if (start < 0 || count < 0 || start + count > Rows || destination.Length != (long)count * Columns)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count} of {Rows} into {destination.Length} values");
        }

        fixed (float* d = destination)
        {
            DequantizeRows(start, count, d);
        }
    }

    internal void DequantizeRows(int start, int count, float* destination) =>
        BlockQuantizer.Dequantize(Type, Data + start * RowBytes, destination, count * Columns / QuantizationTypes.BlockElements(Type));

    /// <summary>Frees the native memory (if this matrix allocated it).</summary>
    public void Dispose()
    {
        if (_ownsData && _data != null)
        {
            NativeMemory.AlignedFree(_data);
        }

        _data = null;
    }

    private static void Check(QuantizationType type, int rows, int columns)
    {
        var block = QuantizationTypes.BlockElements(type);
        if (rows < 1 || columns < 1 || columns % block != 0)
        {
            throw new ArgumentException($"a [{rows}, {columns}] matrix cannot be stored as {QuantizationTypes.NameOf(type)}: rows must be at least 1 and columns a multiple of {block}");
        }
    }
}
