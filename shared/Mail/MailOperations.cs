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
    /// timeout, taken to be the same) and turns any failure into a <see cref="MailOperationException"/> saying what
    /// <paramref name="what"/> was.
    /// </summary>
    public static Task<T> RunAsync<T>(string what, TimeSpan timeout, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        RunAsync(what, timeout, timeout, operation, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}(string, TimeSpan, Func{CancellationToken, Task{T}}, CancellationToken)"/>, for a step
    /// whose whole <paramref name="bound"/> differs from the client's per-command <paramref name="commandTimeout"/>
    /// (IDLE waits minutes, its DONE is answered within the command timeout): a failure names the one that fired.
    /// </summary>
    public static async Task<T> RunAsync<T>(string what, TimeSpan bound, TimeSpan commandTimeout, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(bound);
        try
        {
            return await operation(bounded.Token);
        }
        catch (Exception e) when (e is not MailOperationException && bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Our bound fired: MailKit may wrap the cancellation (a stalled TLS handshake is an SslHandshakeException).
            throw new MailOperationException($"{what}: no answer within {Seconds(bound)}s (timed out)");
        }
        catch (Exception e) when (e is not OperationCanceledException and not MailOperationException)
        {
            throw new MailOperationException($"{what}: {Describe(e, commandTimeout)}", e);
        }
    }

    /// <summary>
    /// As <see cref="RunAsync{T}(string, TimeSpan, Func{CancellationToken, Task{T}}, CancellationToken)"/>, for a connect: a TLS handshake that failed because the certificate callback refused
    /// the server's certificate says why (<paramref name="certificateProblem"/>), never "not trusted" for a stall.
    /// </summary>
    public static async Task ConnectAsync(string what, TimeSpan timeout, Func<CancellationToken, Task> operation, Func<string?> certificateProblem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificateProblem);
        try
        {
            await RunAsync(what, timeout, operation, cancellationToken);
        }
        catch (MailOperationException e) when (e.InnerException is SslHandshakeException && certificateProblem() is { } problem)
        {
            throw new MailOperationException($"{what}: TLS handshake failed: {problem}", e.InnerException);
        }
    }

    /// <summary>As <see cref="RunAsync{T}(string, TimeSpan, Func{CancellationToken, Task{T}}, CancellationToken)"/>, for a step without a result.</summary>
    public static Task RunAsync(string what, TimeSpan timeout, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync(what, timeout, timeout, operation, cancellationToken);

    /// <summary>As <see cref="RunAsync{T}(string, TimeSpan, TimeSpan, Func{CancellationToken, Task{T}}, CancellationToken)"/>, for a step without a result.</summary>
    public static Task RunAsync(string what, TimeSpan bound, TimeSpan commandTimeout, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync<bool>(what, bound, commandTimeout, async ct => { await operation(ct); return true; }, cancellationToken);

    private static string Describe(Exception e, TimeSpan timeout) => e switch
    {
        SmtpCommandException s => $"server replied {(int)s.StatusCode} {s.Message.Trim()}",
        ImapCommandException i => $"server replied {i.Response} {i.ResponseText.Trim()}",
        AuthenticationException a => $"authentication failed: {a.Message.Trim()}",
        // Only the certificate callback knows a certificate's fault (the callers add its reason); anything else ends
        // the handshake before or without a verdict on it.
        SslHandshakeException { InnerException: IOException or SocketException or TimeoutException } h =>
            $"TLS handshake did not complete: {FirstLine(h.InnerException!.Message)}",
        SslHandshakeException h => $"TLS handshake failed: {FirstLine(h.InnerException?.Message ?? "the server does not speak TLS here, or refused the client's")}",
        SocketException s => $"cannot connect: {s.Message}",
        TimeoutException or IOException { InnerException: TimeoutException } => $"no answer within {Seconds(timeout)}s (timed out)",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } } => $"no answer within {Seconds(timeout)}s (timed out)",
        PeerAnswerTooLargeException t => t.Message,
        ProtocolException p => $"protocol error: {FirstLine(p.Message)}",
        NotSupportedException n => FirstLine(n.Message),
        _ => $"{e.GetType().Name}: {FirstLine(e.Message)}",
    };

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
