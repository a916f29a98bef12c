using TokenSkip.Core.Text;

namespace TokenSkip.Models.Tokenization;

/// <summary>Finds the tokenizer a model folder holds.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the folder's <c>tokenizer.json</c> (<see cref="HfTokenizer"/>) or, failing that, its llama2.c
    /// <c>vocab.json</c> (<see cref="PieceVocabularyTokenizer"/>); returns null when it holds neither.
    /// </summary>
    /// <exception cref="TokenizerFormatException">The file found is malformed or unsupported.</exception>
    public static ITextTokenizer? TryLoad(string modelFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        if (File.Exists(Path.Combine(modelFolder, HfTokenizer.FileName)))
        {
            return HfTokenizer.Load(modelFolder);
        }

        if (File.Exists(Path.Combine(modelFolder, PieceVocabularyTokenizer.FileName)))
        {
            return PieceVocabularyTokenizer.Load(modelFolder);
        }

        return null;
    }
}
