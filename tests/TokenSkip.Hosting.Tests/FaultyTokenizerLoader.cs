using TokenSkip.Core.Text;
using TokenSkip.Hosting.Worker;
using TokenSkip.Models.Loading;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// Loads the real model but with a tokenizer whose <c>Decode</c> throws <paramref name="failure"/>: the engine then fails
/// inside a decode step, on the model thread, the way a bug in it would.
/// </summary>
internal sealed class FaultyTokenizerLoader(IModelLoader inner, Func<Exception> failure) : IModelLoader
{
    public ModelBundle Load(CancellationToken cancellationToken)
    {
        var loaded = inner.Load(cancellationToken);
        return new ModelBundle(loaded.Model, new FaultyTokenizer(loaded.Tokenizer, failure), loaded.ModelId, loaded.Card);
    }

    private sealed class FaultyTokenizer(ITextTokenizer inner, Func<Exception> failure) : ITextTokenizer
    {
        public int VocabularySize => inner.VocabularySize;

        public IReadOnlyList<int> Encode(string text) => inner.Encode(text);

        public string Decode(IEnumerable<int> ids) => throw failure();

        public bool TryGetTokenId(string token, out int id) => inner.TryGetTokenId(token, out id);
    }
}
