using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A TCP server on 127.0.0.1 and a free port, for the peers the tests script: it accepts every connection and hands
/// it to <see cref="ConverseAsync"/>; disposing stops the listener and every conversation.
/// </summary>
public abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> clients = [];
    private Task accepting = Task.CompletedTask;

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationTokenSource Stop { get; } = new();

    /// <summary>Starts listening; call at the end of the subclass's constructor.</summary>
    protected void Start()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>One connection's conversation; I/O errors and the stop end it quietly.</summary>
    protected abstract Task ConverseAsync(TcpClient client, CancellationToken cancellationToken);

    private async Task AcceptAsync()
    {
        while (!Stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(Stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (clients)
            {
                clients.Add(client);
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await ConverseAsync(client, Stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException
                                              or System.Security.Authentication.AuthenticationException)
                {
                }
            });
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Stop.CancelAsync();
        listener.Stop();
        lock (clients)
        {
            clients.ForEach(c => c.Dispose());
        }

        await accepting;
        Stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
