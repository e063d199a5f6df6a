using System.Text;

namespace MailserverWorkers.SpamRetention.Tests;

public sealed class HeaderBlockReaderTests
{
    private static readonly HeaderBlockReader Reader = new(["List-Unsubscribe", "Precedence", "Auto-Submitted", "From"]);

    private static async Task<(MessageHeaders? Headers, string? Error)> ReadAsync(byte[] raw) =>
        await Reader.ReadAsync(new MemoryStream(raw), new byte[HeaderBlockReader.MaxHeaderBytes], CancellationToken.None);

    private static Task<(MessageHeaders? Headers, string? Error)> ReadAsync(string raw) => ReadAsync(Encoding.ASCII.GetBytes(raw));

    [Fact]
    public async Task Read_UnfoldsFoldedFields_AndMatchesNamesCaseInsensitively()
    {
        var (headers, error) = await ReadAsync("From: a@b.c\r\nPRECEDENCE:\r\n  bulk\r\nSubject: x\r\n\r\nPrecedence: list\r\n");

        Assert.Null(error);
        Assert.Equal(["bulk"], headers!.All("Precedence"));
        Assert.Equal("a@b.c", headers.First("from"));
    }

    [Fact]
    public async Task Read_StopsAtTheEmptyLine_SoAMarkerInTheBodyDoesNotCount()
    {
        var (headers, _) = await ReadAsync("From: a@b.c\nSubject: hi\n\nList-Unsubscribe: <mailto:x@y>\nPrecedence: bulk\n");

        Assert.False(headers!.Has("List-Unsubscribe"));
        Assert.False(headers.Has("Precedence"));
    }

    [Fact]
    public async Task Read_AcceptsAHeaderWithoutBodyOrEmptyLine()
    {
        var (headers, error) = await ReadAsync("From: a@b.c\nList-Unsubscribe: <mailto:x@y>\n");

        Assert.Null(error);
        Assert.True(headers!.Has("List-Unsubscribe"));
    }

    [Fact]
    public async Task Read_IgnoresLookAlikeFields()
    {
        var (headers, _) = await ReadAsync("X-Precedence: bulk\nX-List-Unsubscribe: <x>\n\n");

        Assert.False(headers!.Has("Precedence"));
        Assert.False(headers.Has("List-Unsubscribe"));
    }

    [Fact]
    public async Task Read_KeepsNonUtf8Bytes_WithoutFailing()
    {
        var raw = Encoding.Latin1.GetBytes("From: J\u00f6rg <j@b.c>\nPrecedence: bulk\nSubject: caf\u00e9\n\n");

        var (headers, error) = await ReadAsync(raw);

        Assert.Null(error);
        Assert.Equal("J\u00f6rg <j@b.c>", headers!.First("From"));
        Assert.Equal("bulk", headers.First("Precedence"));
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("\u0000\u0001\u00ff\u00fe binary\n\n", "line 1 is not a header field")]
    [InlineData(" continued: first\n\n", "header starts with a continuation line")]
    [InlineData("From: a@b.c\nthis is not a header\n\n", "line 2 is not a header field")]
    public async Task Read_CallsNonHeadersUnparsable(string raw, string expected)
    {
        var (headers, error) = await ReadAsync(Encoding.Latin1.GetBytes(raw));

        Assert.Null(headers);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task Read_CallsAHeaderBeyond64KiBUnparsable_AndReadsNoFurther()
    {
        var raw = Encoding.ASCII.GetBytes("From: a@b.c\nX-Long: " + new string('x', 70_000) + "\n\nbody");
        var stream = new MemoryStream(raw);

        var (headers, error) = await Reader.ReadAsync(stream, new byte[HeaderBlockReader.MaxHeaderBytes], CancellationToken.None);

        Assert.Null(headers);
        Assert.Equal("no end of header within 64 KiB", error);
        Assert.Equal(HeaderBlockReader.MaxHeaderBytes, stream.Position);
    }

    [Fact]
    public async Task Read_FindsTheEmptyLine_AcrossReadBoundaries()
    {
        // The blank line straddles the 8 KiB reads.
        var raw = Encoding.ASCII.GetBytes("From: a@b.c\nX-Pad: " + new string('p', 8192 - 20) + "\r\n\r\nPrecedence: bulk\n");

        var (headers, error) = await ReadAsync(raw);

        Assert.Null(error);
        Assert.False(headers!.Has("Precedence"));
    }
}
