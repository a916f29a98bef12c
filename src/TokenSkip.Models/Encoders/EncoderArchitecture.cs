namespace TokenSkip.Models.Encoders;

/// <summary>The token-classification encoders LLMLingua-2 ships.</summary>
public enum EncoderArchitecture
{
    /// <summary><c>XLMRobertaForTokenClassification</c> (llmlingua-2-xlm-roberta-large-meetingbank, TokenSkip's scorer).</summary>
    XlmRoberta,

    /// <summary><c>BertForTokenClassification</c> (llmlingua-2-bert-base-multilingual-cased-meetingbank).</summary>
    Bert,
}
