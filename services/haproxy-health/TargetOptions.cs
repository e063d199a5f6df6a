using System.ComponentModel.DataAnnotations;
using System.Net;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>One path to check, <c>Targets__&lt;name&gt;__*</c>: where, with which PROXY header, speaking what, expecting what.</summary>
public sealed class TargetOptions : IValidatableObject
{
    /// <summary>Host name or address to connect to (HAProxy's frontend, a NodePort, a Postfix listener).</summary>
    [Required]
    [HostName]
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; }

    /// <summary><c>none</c>, <c>v1</c> or <c>v2</c>: the PROXY header sent first, as HAProxy's send-proxy(-v2) does.</summary>
    public ProxyVersion Proxy { get; set; } = ProxyVersion.None;

    /// <summary>The client address the PROXY header claims (default 203.0.113.10, TEST-NET-3).</summary>
    [Required]
    public string ProxySourceAddress { get; set; } = "203.0.113.10";

    /// <summary>The client port the PROXY header claims.</summary>
    [Range(1, 65535)]
    public int ProxySourcePort { get; set; } = 40000;

    /// <summary>The destination address the PROXY header claims (default: the connected address).</summary>
    public string? ProxyDestinationAddress { get; set; }

    /// <summary>The destination port the PROXY header claims (default: <see cref="Port"/>).</summary>
    [Range(0, 65535)]
    public int ProxyDestinationPort { get; set; }

    /// <summary><c>tcp</c>, <c>smtp</c>, <c>smtp-starttls</c>, <c>smtps</c>, <c>imap</c> or <c>imaps</c>.</summary>
    public PathProtocol Protocol { get; set; } = PathProtocol.Tcp;

    /// <summary><c>accept</c>, or <c>reject-without-proxy</c>: a PROXY listener must refuse a client that sends no header.</summary>
    public TargetExpectation Expect { get; set; } = TargetExpectation.Accept;

    [Range(1, 1000)]
    public int Attempts { get; set; } = 10;

    /// <summary>
    /// Attempts to this target at once (default 1, as HAProxy checks a server). More make a burst the server's process
    /// spawning and TLS must queue: on 2 cores, 10 at once timed Dovecot's handshake at 180 ms for a true 28 ms. Raise it to
    /// see how a path bears load, not to time it.
    /// </summary>
    [Range(1, 100)]
    public int Concurrency { get; set; } = 1;

    /// <summary>Limit of one attempt, connect to banner (and TLS) included.</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The share of attempts that must succeed (default 1.0: all).</summary>
    [Range(0.0, 1.0)]
    public double MinSuccessRatio { get; set; } = 1.0;

    /// <summary>The name the server's certificate must carry (default <see cref="Host"/>).</summary>
    public string? ServerName { get; set; }

    /// <summary>Whether the target is a PROXY listener that must refuse a client sending no header.</summary>
    public bool ExpectRejection => Expect == TargetExpectation.RejectWithoutProxy;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExpectRejection && Proxy != ProxyVersion.None)
        {
            yield return new ValidationResult("reject-without-proxy checks a PROXY listener by sending no header: set Proxy=none", [nameof(Expect)]);
        }

        if (!IPAddress.TryParse(ProxySourceAddress, out var source))
        {
            yield return new ValidationResult($"must be an IP address, not '{ProxySourceAddress}'", [nameof(ProxySourceAddress)]);
        }
        else if (ProxyDestinationAddress is { } destination && (!IPAddress.TryParse(destination, out var parsed) || parsed.AddressFamily != source.AddressFamily))
        {
            yield return new ValidationResult($"must be an IP address of the same family as ProxySourceAddress, not '{destination}'", [nameof(ProxyDestinationAddress)]);
        }
    }
}
