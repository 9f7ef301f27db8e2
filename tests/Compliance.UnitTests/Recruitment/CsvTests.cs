using Compliance.Api.Features.Recruitment;

namespace Compliance.UnitTests.Recruitment;

public class CsvTests
{
    [Fact]
    public void Reads_QuotedFields_EscapedQuotes_CrLf_AndMultilineFields_WithStartRows()
    {
        var rows = Csv.Read(new StringReader("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n\nlast,")).ToList();
        Assert.Equal([1, 2, 3, 6], rows.Select(r => r.Row));
        Assert.Equal(["x,1", "say \"hi\""], rows[1].Fields);
        Assert.Equal(["two\nlines", ""], rows[2].Fields);
        Assert.Equal(["last", ""], rows[3].Fields);
    }

    [Fact]
    public void UnclosedQuote_IsAFormatErrorOnItsRow()
    {
        var ex = Assert.Throws<Csv.FormatException>(() => Csv.Read(new StringReader("a\n\"open")).ToList());
        Assert.Equal(2, ex.Row);
    }
}
