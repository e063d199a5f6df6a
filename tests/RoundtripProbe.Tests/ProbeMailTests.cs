using Microsoft.Extensions.Time.Testing;

namespace MailserverWorkers.RoundtripProbe.Tests;

public sealed class ProbeMailTests
{
    [Fact]
    public void Create_MarksTheMail_WithATimestampAndRandomId_InSubjectAndHeader()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 15, 30, 0, TimeSpan.Zero));
        var options = new ProbeOptions { From = "a@example.test", To = "b@example.test" };

        var first = ProbeMail.Create(options, time);
        var second = ProbeMail.Create(options, time);

        Assert.Matches("^e2e-probe-20261125T153000Z-[a-z2-7]{8}$", first.Id);
        Assert.NotEqual(first.Id, second.Id);
        var message = SmtpProbeSender.ToMimeMessage(first);
        Assert.Equal(first.Id, message.Subject);
        Assert.Equal(first.Id, message.Headers["X-E2E-Probe-Id"]);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
    }
}
