using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Reads a Prometheus API answer straight from its UTF-8 bytes with <see cref="Utf8JsonReader"/>: no string of the body, no
/// document tree, and no string per sample (values are parsed from their bytes). Series over the cap are skipped unread,
/// so a high-cardinality answer costs its bytes once, not their parsed form.
/// </summary>
internal static class AnswerReader
{
    public static ApiAnswer Read(ReadOnlySequence<byte> body, SeriesCap cap)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return ApiAnswer.NotAnApiAnswer;
        var answer = new ApiAnswer();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "status":
                    answer.HasStatus = true;
                    answer.Status = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    break;
                case "errorType" when reader.TokenType == JsonTokenType.String:
                    answer.ErrorType = reader.GetString();
                    break;
                case "error":
                    answer.Error = reader.TokenType == JsonTokenType.String ? reader.GetString() : Raw(ref reader);
                    break;
                case "warnings" when reader.TokenType == JsonTokenType.StartArray:
                    answer.Warnings = Strings(ref reader, rawOthers: true);
                    break;
                case "data":
                    answer.HasData = true;
                    ReadData(ref reader, answer, cap);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return answer;
    }

    private static void ReadData(ref Utf8JsonReader reader, ApiAnswer answer, SeriesCap cap)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            answer.LabelNames = Strings(ref reader, rawOthers: false);
            return;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            answer.DataShape = "data is neither an object nor a list";
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "resultType" && reader.TokenType == JsonTokenType.String)
                answer.ResultType = reader.GetString();
            else if (name == "result")
                ReadResult(ref reader, answer, cap);
            else
                reader.Skip();
        }
    }

    /// <summary>
    /// A matrix or vector (a list of series) or a scalar (one [time, "value"] pair). The shape is read from the tokens, so a
    /// result that comes before its resultType reads the same; the two are compared afterwards.
    /// </summary>
    private static void ReadResult(ref Utf8JsonReader reader, ApiAnswer answer, SeriesCap cap)
    {
        answer.HasResult = true;
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new FormatException("data.result is not a list");
        var probe = reader;
        probe.Read();
        if (probe.TokenType == JsonTokenType.Number)
        {
            answer.Series = [new PrometheusSeries(new Dictionary<string, string>(), [Point(ref reader)])];
            answer.ScalarShaped = true;
            return;
        }
        var series = new List<PrometheusSeries>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new FormatException("an item of data.result is not a series object");
            var one = ReadSeries(ref reader, cap, counts, series.Count);
            if (one is not null)
                series.Add(one);
        }
        foreach (var (key, count) in counts.Where(kv => kv.Value > cap.PerPopulation))
            answer.OverCap[key] = count;
        answer.Series = series;
    }

    private static PrometheusSeries? ReadSeries(ref Utf8JsonReader reader, SeriesCap cap, Dictionary<string, int> counts, int kept)
    {
        Dictionary<string, string>? labels = null;
        List<PrometheusPoint>? points = null;
        var skip = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "metric" && reader.TokenType == JsonTokenType.StartObject)
            {
                labels = Labels(ref reader);
                var key = cap.KeyOf(labels);
                var count = counts[key] = counts.GetValueOrDefault(key) + 1;
                skip = count > cap.PerPopulation;
                if (!skip && kept >= cap.PerAnswer)
                    throw new SeriesCapException(cap.PerAnswer);
            }
            else if (name is "values" or "value")
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new FormatException($"the '{name}' of a series is not a list");
                if (skip)
                {
                    reader.Skip();
                    continue;
                }
                points ??= [];
                if (name == "value")
                    points.Add(Point(ref reader));
                else
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        points.Add(Point(ref reader));
            }
            else
                reader.Skip();
        }
        if (labels is null)
        {
            // A series without "metric" still belongs to a population: the one with no labels.
            var key = cap.KeyOf(Empty);
            skip = (counts[key] = counts.GetValueOrDefault(key) + 1) > cap.PerPopulation;
        }
        return skip ? null : new PrometheusSeries(labels ?? [], points ?? []);
    }

    private static readonly Dictionary<string, string> Empty = [];

    private static Dictionary<string, string> Labels(ref Utf8JsonReader reader)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            // The same label twice is a broken answer: Add throws, and the caller names it.
            if (reader.TokenType != JsonTokenType.String)
                throw new FormatException($"the value of label '{name}' is not a string");
            labels.Add(name, reader.GetString()!);
        }
        return labels;
    }

    /// <summary>One [unix seconds, "value"] pair; the reader is left on its closing bracket.</summary>
    private static PrometheusPoint Point(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new FormatException("a sample is not a [time, value] pair");
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
            throw new FormatException("a sample time is not a number");
        var t = reader.GetDouble();
        // Unix seconds a DateTimeOffset can hold; 1e300 or a negative time is a broken answer, not a date.
        if (!(t >= 0 && t < 253402300799))
            throw new FormatException($"a sample timestamp ({t.ToString(CultureInfo.InvariantCulture)}) is not a time");
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
            throw new FormatException("a sample value is missing");
        // A value split across two of the answer's segments is copied out; every other is parsed where it lies.
        var value =
            reader.ValueIsEscaped ? PrometheusClient.ParseValue(reader.GetString())
            : reader.HasValueSequence ? ParseValue(reader.ValueSequence.ToArray())
            : ParseValue(reader.ValueSpan);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            reader.Skip();
        return new PrometheusPoint(DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(t * 1000)), value);
    }

    /// <summary>Prometheus sends sample values as strings, NaN and ±Inf included; parsed from their bytes, no string made.</summary>
    private static double ParseValue(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("NaN"u8) ? double.NaN
        : text.SequenceEqual("+Inf"u8) || text.SequenceEqual("Inf"u8) ? double.PositiveInfinity
        : text.SequenceEqual("-Inf"u8) ? double.NegativeInfinity
        : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static List<string> Strings(ref Utf8JsonReader reader, bool rawOthers)
    {
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
                list.Add(reader.GetString()!);
            else if (rawOthers)
                list.Add(Raw(ref reader));
            else
                reader.Skip();
        }
        return list;
    }

    private static string Raw(ref Utf8JsonReader reader)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    /// <summary>The start of a body as text, for messages: only the bytes shown are decoded.</summary>
    public static string Head(ReadOnlySequence<byte> body, int bytes = 1024) => Encoding.UTF8.GetString(body.Slice(0, Math.Min(body.Length, bytes)));
}
