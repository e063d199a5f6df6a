using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fault a scripted peer plays at one step of its dialogue: <see cref="Step"/> is <c>greeting</c> or a command verb
/// (<c>EHLO</c>, <c>DATA</c>, <c>.</c> for the end of the message, <c>SELECT</c>, <c>IDLE</c>, <c>DONE</c>, ...), and
/// <see cref="Argument"/>, when set, must also appear in the command's arguments.
/// </summary>
public sealed record PeerFault(string Step, PeerFaultKind Kind, string? Argument = null)
{
    private const int UnterminatedBytes = 64 * 1024 * 1024;

    public bool Matches(string step, string arguments) =>
        Kind != PeerFaultKind.Lie
        && Step.Equals(step, StringComparison.OrdinalIgnoreCase)
        && (Argument is null || arguments.Contains(Argument, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the peer lies at <paramref name="step"/> (the peer itself words the lie).</summary>
    public bool LiesAt(string step) => Kind == PeerFaultKind.Lie && Step.Equals(step, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Kind} at {Step}{(Argument is null ? "" : " " + Argument)}";

    /// <summary>
    /// Plays <paramref name="fault"/> when it is set for <paramref name="step"/> with these arguments; true when it
    /// played (the conversation is then over).
    /// </summary>
    public static async Task<bool> PlayAtAsync(PeerFault? fault, string step, string arguments, TcpClient client, Stream stream, string linePrefix, CancellationToken cancellationToken)
    {
        if (fault?.Matches(step, arguments) != true)
        {
            return false;
        }

        await fault.PlayAsync(client, stream, linePrefix, cancellationToken);
        return true;
    }

    /// <summary>
    /// Plays the fault on the connection; <paramref name="linePrefix"/> starts each of the endless lines. A lie is not
    /// played here: the peer answers as if it had done the step.
    /// </summary>
    public async Task PlayAsync(TcpClient client, Stream stream, string linePrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(stream);
        switch (Kind)
        {
            case PeerFaultKind.Lie:
                throw new InvalidOperationException("the peer words its own lies");
            case PeerFaultKind.Reset:
                // Close(0): linger off with a zero timeout, so the kernel sends RST instead of FIN.
                client.Client.Close(0);
                return;
            case PeerFaultKind.Close:
                client.Client.Shutdown(SocketShutdown.Both);
                client.Close();
                return;
            case PeerFaultKind.Trickle:
                await stream.WriteAsync(Encoding.ASCII.GetBytes(linePrefix), cancellationToken);
                while (true)
                {
                    await stream.WriteAsync("x"u8.ToArray(), cancellationToken);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
            case PeerFaultKind.UnterminatedLine:
                var block = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(linePrefix), cancellationToken);
                for (var sent = 0; sent < UnterminatedBytes; sent += block.Length)
                {
                    await stream.WriteAsync(block, cancellationToken);
                }

                break;
            case PeerFaultKind.EndlessLines:
                var line = Encoding.ASCII.GetBytes(linePrefix + new string('x', 200) + "\r\n");
                var lines = Enumerable.Range(0, 256).SelectMany(_ => line).ToArray();
                while (true)
                {
                    await stream.WriteAsync(lines, cancellationToken);
                }
            case PeerFaultKind.Garbage:
                await stream.WriteAsync(new byte[] { 0x00, 0x1b, (byte)'[', (byte)'2', (byte)'J', 0xff, 0xfe, 0x07, 0x80, (byte)'\r', (byte)'\n' }, cancellationToken);
                break;
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
