using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace MailserverWorkers.Shared.Mail;

/// <summary>
/// Runs one SMTP or IMAP step under a time limit and words MailKit's exceptions as one line an operator can act on.
/// Server replies are quoted; credentials never are (MailKit does not put them in exceptions, and protocol logging
/// stays off).
/// </summary>
public static class MailOperations
{
    /// <summary>
    /// Runs <paramref name="operation"/> bounded by <paramref name="timeout"/> (on top of MailKit's per-command
    /// timeout) and turns any failure into a <see cref="MailOperationException"/> saying what <paramref name="what"/> was.
    /// </summary>
    public static async Task<T> RunAsync<T>(string what, TimeSpan timeout, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            return await operation(bounded.Token);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MailOperationException($"{what}: no answer within {timeout.TotalSeconds:0.###}s (timed out)");
        }
        catch (Exception e) when (e is not OperationCanceledException and not MailOperationException)
        {
            throw new MailOperationException($"{what}: {Describe(e, timeout)}", e);
        }
    }

    /// <summary>As <see cref="RunAsync{T}"/>, for a step without a result.</summary>
    public static Task RunAsync(string what, TimeSpan timeout, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync<bool>(what, timeout, async ct => { await operation(ct); return true; }, cancellationToken);

    private static string Describe(Exception e, TimeSpan timeout) => e switch
    {
        SmtpCommandException s => $"server replied {(int)s.StatusCode} {s.Message.Trim()}",
        ImapCommandException i => $"server replied {i.Response} {i.ResponseText.Trim()}",
        AuthenticationException a => $"authentication failed: {a.Message.Trim()}",
        SslHandshakeException => "TLS handshake failed: the server's certificate is not trusted (set Tls__CaFile for a private CA) or the server does not speak TLS here",
        SocketException s => $"cannot connect: {s.Message}",
        TimeoutException or IOException { InnerException: TimeoutException } => $"no answer within {timeout.TotalSeconds:0.###}s (timed out)",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } } => $"no answer within {timeout.TotalSeconds:0.###}s (timed out)",
        ProtocolException p => $"protocol error: {FirstLine(p.Message)}",
        NotSupportedException n => FirstLine(n.Message),
        _ => $"{e.GetType().Name}: {FirstLine(e.Message)}",
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
