using System.Text;

namespace Compliance.Api.Features.Recruitment;

/// <summary>
/// A small RFC 4180 reader: comma-separated, fields optionally in double quotes (a doubled quote inside is a
/// quote), CRLF or LF line ends, quoted fields may span lines. Blank lines are skipped.
/// </summary>
public static class Csv
{
    public sealed class FormatException(int row, string message) : Exception(message)
    {
        public int Row { get; } = row;
    }

    /// <summary>Yields each record with its 1-based row number (the line it starts on in a spreadsheet's terms).</summary>
    public static IEnumerable<(int Row, string[] Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var row = 1;
        var startRow = 1;
        var inQuotes = false;
        var fieldStarted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        row++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when !fieldStarted:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case '"':
                    throw new FormatException(row, "A quote inside an unquoted field; quote the whole field and double the quote.");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (fieldStarted || fields.Count > 0)
                    {
                        fields.Add(field.ToString());
                        yield return (startRow, fields.ToArray());
                    }

                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    row++;
                    startRow = row;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }

        if (inQuotes)
        {
            throw new FormatException(startRow, "A quoted field is not closed.");
        }

        if (fieldStarted || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (startRow, fields.ToArray());
        }
    }
}
