using System.Text;

namespace MailserverWorkers.SpamRetention.Tests;

public sealed class HeaderBlockReaderTests
{
    private static readonly HeaderBlockReader Reader = new(["List-Unsubscribe", "Precedence", "Auto-Submitted", "From"]);

    private static (MessageHeaders? Headers, string? Error) Read(byte[] raw) =>
        Reader.Read(new MemoryStream(raw), new byte[HeaderBlockReader.MaxHeaderBytes]);

    private static (MessageHeaders? Headers, string? Error) Read(string raw) => Read(Encoding.ASCII.GetBytes(raw));

    [Fact]
    public void Read_UnfoldsFoldedFields_AndMatchesNamesCaseInsensitively()
    {
        var (headers, error) = Read("From: a@b.c\r\nPRECEDENCE:\r\n  bulk\r\nSubject: x\r\n\r\nPrecedence: list\r\n");

        Assert.Null(error);
        Assert.Equal(["bulk"], headers!.All("Precedence"));
        Assert.Equal("a@b.c", headers.First("from"));
    }

    [Fact]
    public void Read_StopsAtTheEmptyLine_SoAMarkerInTheBodyDoesNotCount()
    {
        var (headers, _) = Read("From: a@b.c\nSubject: hi\n\nList-Unsubscribe: <mailto:x@y>\nPrecedence: bulk\n");

        Assert.False(headers!.Has("List-Unsubscribe"));
        Assert.False(headers.Has("Precedence"));
    }

    [Fact]
    public void Read_AcceptsAHeaderWithoutBodyOrEmptyLine()
    {
        var (headers, error) = Read("From: a@b.c\nList-Unsubscribe: <mailto:x@y>\n");

        Assert.Null(error);
        Assert.True(headers!.Has("List-Unsubscribe"));
    }

    [Fact]
    public void Read_IgnoresLookAlikeFields()
    {
        var (headers, _) = Read("X-Precedence: bulk\nX-List-Unsubscribe: <x>\n\n");

        Assert.False(headers!.Has("Precedence"));
        Assert.False(headers.Has("List-Unsubscribe"));
    }

    [Fact]
    public void Read_KeepsNonUtf8Bytes_WithoutFailing()
    {
        var raw = Encoding.Latin1.GetBytes("From: J\u00f6rg <j@b.c>\nPrecedence: bulk\nSubject: caf\u00e9\n\n");

        var (headers, error) = Read(raw);

        Assert.Null(error);
        Assert.Equal("J\u00f6rg <j@b.c>", headers!.First("From"));
        Assert.Equal("bulk", headers.First("Precedence"));
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("\u0000\u0001\u00ff\u00fe binary\n\n", "line 1 is not a header field")]
    [InlineData(" continued: first\n\n", "header starts with a continuation line")]
    [InlineData("From: a@b.c\nthis is not a header\n\n", "line 2 is not a header field")]
    public void Read_CallsNonHeadersUnparsable(string raw, string expected)
    {
        var (headers, error) = Read(Encoding.Latin1.GetBytes(raw));

        Assert.Null(headers);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Read_CallsAHeaderBeyond64KiBUnparsable_AndReadsNoFurther()
    {
        var raw = Encoding.ASCII.GetBytes("From: a@b.c\nX-Long: " + new string('x', 70_000) + "\n\nbody");
        var stream = new MemoryStream(raw);

        var (headers, error) = Reader.Read(stream, new byte[HeaderBlockReader.MaxHeaderBytes]);

        Assert.Null(headers);
        Assert.Equal("no end of header within 64 KiB", error);
        Assert.Equal(HeaderBlockReader.MaxHeaderBytes, stream.Position);
    }

    [Fact]
    public void Read_FindsTheEmptyLine_AcrossReadBoundaries()
    {
        // The blank line straddles the 8 KiB reads.
        var raw = Encoding.ASCII.GetBytes("From: a@b.c\nX-Pad: " + new string('p', 8192 - 20) + "\r\n\r\nPrecedence: bulk\n");

        var (headers, error) = Read(raw);

        Assert.Null(error);
        Assert.False(headers!.Has("Precedence"));
    }
}
