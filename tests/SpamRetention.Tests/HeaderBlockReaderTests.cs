using System.Text;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>The one header parser, read as Dovecot's message-header-parser.c reads a header (2.3.19 and 2.4).</summary>
public sealed class HeaderBlockReaderTests
{
    private static readonly HeaderBlockReader Reader = new(["List-Unsubscribe", "Precedence", "Auto-Submitted", "From"]);

    /// <summary>Reads the bytes both ways a backend can: as a file (positional reads) and as a server's header.</summary>
    private static string Fields(byte[] raw)
    {
        var fromFile = Describe(Reader.Read(ReaderOf(raw), new byte[HeaderBlockReader.MaxHeaderBytes]));
        var fromServer = Describe(Reader.Parse(raw));
        Assert.Equal(fromFile, fromServer);
        return fromFile;
    }

    private static string Fields(string raw) => Fields(Encoding.Latin1.GetBytes(raw));

    private static Func<Span<byte>, long, int> ReaderOf(byte[] raw) => (destination, offset) =>
    {
        // Hand out at most 1,000 bytes a call, so that an empty line split across two reads is found as well.
        var count = (int)Math.Min(Math.Min(destination.Length, 1000), Math.Max(0, raw.Length - offset));
        raw.AsSpan((int)offset, count).CopyTo(destination);
        return count;
    };

    private static string Describe((MessageHeaders? Headers, string? Error) result) =>
        result.Error is { } error ? "error: " + error
        : string.Join(" | ", ((string[])["From", "List-Unsubscribe", "Precedence", "Auto-Submitted"])
            .SelectMany(n => result.Headers!.All(n).Select(v => $"{n}={v}")));

    [Theory]
    [InlineData("From: a@b.c\r\nPRECEDENCE:\r\n  bulk\r\nSubject: x\r\n\r\nPrecedence: list\r\n", "From=a@b.c | Precedence=bulk")]
    [InlineData("From: a@b.c\nSubject: hi\n\nList-Unsubscribe: <mailto:x@y>\nPrecedence: bulk\n", "From=a@b.c")]
    [InlineData("From: a@b.c\nList-Unsubscribe: <mailto:x@y>", "From=a@b.c | List-Unsubscribe=<mailto:x@y>")]
    [InlineData("X-Precedence: bulk\nX-List-Unsubscribe: <x>\nList-Unsubscribe-Post: One-Click\n\n", "")]
    [InlineData("From sender@example.net Mon Jan  1 00:00:00 2002\nFrom: p@example.net\nPrecedence: bulk\n\nbody\n", "From=p@example.net | Precedence=bulk")]
    [InlineData("garbage without a colon\nPrecedence: list\n\n", "Precedence=list")]
    [InlineData("List-Unsubscribe\nFrom: x@y\n\n", "From=x@y | List-Unsubscribe=")]
    [InlineData("Precedence : bulk\n\n", "Precedence=bulk")]
    [InlineData("Precedence\t:\tjunk\n\n", "Precedence=junk")]
    [InlineData(" Precedence: bulk\nFrom: x@y\n\n", "From=x@y")]
    [InlineData("\tPrecedence: bulk\n continued\nFrom: x@y\n\n", "From=x@y")]
    [InlineData("Auto-Submitted: no\nAuto-Submitted: no\n\n", "Auto-Submitted=no | Auto-Submitted=no")]
    [InlineData("Precedence: first-class\nPrecedence: bulk\n\n", "Precedence=first-class | Precedence=bulk")]
    [InlineData("List-Unsubscribe:\nAuto-Submitted:   \n\n", "List-Unsubscribe= | Auto-Submitted=")]
    [InlineData("Precedence: b\n ulk\n\n", "Precedence=b ulk")]
    [InlineData("Precedence:\n\tbulk\n\n", "Precedence=bulk")]
    [InlineData("\nPrecedence: bulk\n", "")]
    [InlineData("\r\nPrecedence: bulk\r\n", "")]
    [InlineData("", "")]
    [InlineData("From: a\rPrecedence: bulk\r\rbody\r", "From=a\rPrecedence: bulk\r\rbody")]
    [InlineData("From: a\r\n\r\nPrecedence: bulk\r\n", "From=a")]
    [InlineData("Precedence: bulk\n\r\nFrom: body\n", "Precedence=bulk")]
    [InlineData("Precedence: bulk\r\r\nFrom: x\n\n", "From=x | Precedence=bulk")]
    public void Read_TakesTheFieldsDovecotSees(string raw, string expected) => Assert.Equal(expected, Fields(raw));

    [Fact]
    public void Read_KeepsNulAndNonUtf8Bytes_InValues_WithoutMatchingThemAsNames()
    {
        byte[] raw = [.. "From: k"u8, 0, .. "l@m\nPrec"u8, 0, .. "edence: bulk\nPrecedence: "u8, 0xff, 0xfe, .. "\nAuto-Submitted: auto-replied\n\n"u8];

        Assert.Equal("From=k\0l@m | Precedence=\u00ff\u00fe | Auto-Submitted=auto-replied", Fields(raw));
    }

    [Fact]
    public void Read_DecodesValuesAsLatin1_SoNoByteFailsTheRead()
    {
        var raw = Encoding.Latin1.GetBytes("From: J\u00f6rg <j@b.c>\nPrecedence: bulk\nSubject: caf\u00e9\n\n");

        Assert.Equal("From=J\u00f6rg <j@b.c> | Precedence=bulk", Fields(raw));
    }

    [Fact]
    public void Read_ReadsBinaryGarbage_AsFieldsWithoutValue()
    {
        byte[] raw = [0x00, 0xff, 0x13, 0x37, 0x0a, 0x50, 0x72, 0x0a, 0x0a, 0x00];

        Assert.Equal("", Fields(raw));
    }

    [Theory]
    [InlineData(HeaderBlockReader.MaxHeaderBytes - 2, true)]
    [InlineData(HeaderBlockReader.MaxHeaderBytes - 1, true)]
    [InlineData(HeaderBlockReader.MaxHeaderBytes, false)]
    [InlineData(HeaderBlockReader.MaxHeaderBytes + 5000, false)]
    public void Read_RefusesAHeaderThatHasNotEndedWithin64KiB(int headerLength, bool read)
    {
        // A header of headerLength bytes, then the empty line that ends it (one byte, which must be within the 64 KiB), then the body.
        var field = "Precedence: bulk\nX-Big: ";
        var raw = Encoding.ASCII.GetBytes(field + new string('b', headerLength - field.Length - 1) + "\n\nbody\n");

        Assert.Equal(read ? "Precedence=bulk" : "error: header larger than 64 KiB (not read)", Fields(raw));
    }

    [Fact]
    public void Read_AcceptsAHeaderOfExactly64KiB_WithNothingAfterIt()
    {
        var field = "Precedence: list\nX-Big: ";
        var raw = Encoding.ASCII.GetBytes(field + new string('b', HeaderBlockReader.MaxHeaderBytes - field.Length - 1) + "\n");

        Assert.Equal(HeaderBlockReader.MaxHeaderBytes, raw.Length);
        Assert.Equal("Precedence=list", Fields(raw));
    }

    [Fact]
    public void Read_RefusesAHeaderWithoutEnd_LongerThan64KiB_EvenWithoutLineBreaks()
    {
        var raw = Encoding.ASCII.GetBytes("Precedence: bulk " + new string('x', 70_000));

        Assert.Equal("error: header larger than 64 KiB (not read)", Fields(raw));
    }
}
