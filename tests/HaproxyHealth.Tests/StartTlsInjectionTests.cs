using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>
/// The line reader reads whatever has arrived, so it may hold bytes past a reply: after STARTTLS's 220 those would be
/// read as if they came through TLS (the STARTTLS command injection of CVE-2011-0411). The check refuses the path.
/// </summary>
public sealed class StartTlsInjectionTests
{
    [Fact]
    public async Task BytesAfterTheStartTlsReply_FailThePath_BeforeAnyHandshake()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            await stream.WriteAsync("220 injector.example.test ESMTP\r\n"u8.ToArray());
            await reader.ReadLineAsync();
            await stream.WriteAsync("250-injector.example.test\r\n250 STARTTLS\r\n"u8.ToArray());
            await reader.ReadLineAsync();
            // The reply and, in the same segment, what a man in the middle appends.
            await stream.WriteAsync("220 2.0.0 Ready to start TLS\r\n250 2.1.0 injected\r\n"u8.ToArray());
            await reader.ReadLineAsync();
        });
        try
        {
            var target = HealthParts.Target(((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture), "smtp-starttls");

            var attempt = await HealthParts.Prober().AttemptAsync(target, CancellationToken.None);

            Assert.False(attempt.Succeeded);
            Assert.Equal("the server sent more after its STARTTLS reply, before the handshake", attempt.Error);
            Assert.Null(attempt.TlsHandshake);
        }
        finally
        {
            listener.Stop();
            await serving.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
