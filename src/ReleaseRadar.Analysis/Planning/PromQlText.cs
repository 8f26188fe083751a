using System.Text;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>PromQL text shared by the planner and the Prometheus adapter.</summary>
public static class PromQlText
{
    /// <summary>
    /// A label value as a double-quoted PromQL string literal, with every character that could end the literal escaped:
    /// a value selects series, never injects PromQL.
    /// </summary>
    public static string Literal(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\n':
                    sb.Append(@"\n");
                    break;
                case '\r':
                    sb.Append(@"\r");
                    break;
                case '\t':
                    sb.Append(@"\t");
                    break;
                default:
                    if (char.IsControl(ch))
                        sb.Append($"\\u{(int)ch:x4}");
                    else
                        sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
