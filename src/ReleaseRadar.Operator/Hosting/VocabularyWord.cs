namespace ReleaseRadar.Operator.Hosting;

/// <summary>One word a release can be classified by, for readers of the API and the page.</summary>
internal sealed record VocabularyWord(string Word, string Meaning, string Kind);
