extern alias smtp;

using System.Security.Cryptography;
using System.Text;
using AgentMail.Tests.Smtp.Support;
using Microsoft.Extensions.Options;
using smtp::AgentMail.Smtp.Dkim;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// DKIM signatures (rsa-sha256, relaxed/relaxed) checked by two verifiers that share no code with
/// the signer: one written in the tests from RFC 6376, and dkimpy (Debian python3-dkim).
/// </summary>
public sealed class DkimTests : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyFile = Path.GetTempFileName();

    public DkimTests() => File.WriteAllText(_keyFile, _key.ExportPkcs8PrivateKeyPem());

    public void Dispose()
    {
        _key.Dispose();
        File.Delete(_keyFile);
    }

    private static readonly byte[] Message = Encoding.UTF8.GetBytes(
        "Received: from somewhere by here; Sat, 21 Nov 2026 10:00:00 +0000\r\n" +
        "From: Agent <agent@example.com>\r\n" +
        "To: bob@example.org,\r\n  carol@example.net\r\n" +
        "Subject:   A   folded\r\n\t subject with  spaces  \r\n" +
        "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n" +
        "Message-ID: <dkim-test@example.com>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Hello  Bob,\t \r\n\r\n  indented line \r\nRésumé attached.\r\n\r\n\r\n");

    private DkimSigner Signer() => new(Options.Create(new DkimOptions
    {
        Domains = { ["example.com"] = new DkimDomainOptions { Selector = "s2026", PrivateKeyPath = _keyFile } },
    }), TimeProvider.System);

    [Fact]
    public async Task A_signed_message_verifies_with_both_independent_verifiers()
    {
        var signed = Signer().Sign(Message, "example.com").ToArray();

        Assert.StartsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s2026;\r\n", Encoding.ASCII.GetString(signed));
        Assert.Equal(Message, signed[^Message.Length..]); // every other byte unchanged
        Assert.Equal((true, "ok"), DkimVerifier.Verify(signed, _key, "example.com"));
        var (valid, output) = await DkimVerifier.VerifyWithDkimpyAsync(signed, _key);
        Assert.True(valid, output);
    }

    [Fact]
    public void The_signature_covers_the_identifying_fields_and_over_signs_From()
    {
        var field = Encoding.ASCII.GetString(Signer().Sign(Message, "example.com").ToArray()).Split("\r\n\r\n")[0];
        Assert.Contains("h=from:subject:date:message-id:to:mime-version:content-type:from;", field.Replace("\r\n\t", ""));
        Assert.DoesNotContain("received", field.Split("b=")[0], StringComparison.OrdinalIgnoreCase);
        Assert.All(field.Split("\r\n"), line => Assert.True(line.Length <= 78, line));
    }

    [Fact]
    public async Task Relaxed_canonicalization_survives_refolding_and_whitespace_but_not_a_changed_body_or_header()
    {
        var signed = Encoding.Latin1.GetString(Signer().Sign(Message, "example.com").ToArray());

        var refolded = Encoding.Latin1.GetBytes(signed.Replace("Subject:   A   folded\r\n\t subject", "Subject: A folded subject").Replace("Hello  Bob,\t \r\n", "Hello Bob,\r\n"));
        Assert.True(DkimVerifier.Verify(refolded, _key, "example.com").Valid);
        Assert.True((await DkimVerifier.VerifyWithDkimpyAsync(refolded, _key)).Valid);

        var body = Encoding.Latin1.GetBytes(signed.Replace("indented line", "indented lime"));
        Assert.Equal((false, "body hash mismatch"), DkimVerifier.Verify(body, _key, "example.com"));
        Assert.False((await DkimVerifier.VerifyWithDkimpyAsync(body, _key)).Valid);

        var subject = Encoding.Latin1.GetBytes(signed.Replace("subject with", "subject without"));
        Assert.Equal((false, "signature mismatch"), DkimVerifier.Verify(subject, _key, "example.com"));
        Assert.False((await DkimVerifier.VerifyWithDkimpyAsync(subject, _key)).Valid);

        var addedFrom = Encoding.Latin1.GetBytes(signed.Replace("MIME-Version:", "From: mallory@evil.test\r\nMIME-Version:"));
        Assert.False((await DkimVerifier.VerifyWithDkimpyAsync(addedFrom, _key)).Valid);
    }

    [Fact]
    public async Task An_empty_body_and_a_body_without_final_CRLF_verify()
    {
        foreach (var body in new[] { "", "no final line break", "\r\n\r\n" })
        {
            var message = Encoding.ASCII.GetBytes("From: a@example.com\r\nSubject: x\r\n\r\n" + body);
            var signed = Signer().Sign(message, "example.com").ToArray();
            Assert.True(DkimVerifier.Verify(signed, _key, "example.com").Valid, body);
            Assert.True((await DkimVerifier.VerifyWithDkimpyAsync(signed, _key)).Valid, body);
        }
    }

    [Fact]
    public void Without_a_key_for_the_domain_the_message_is_unchanged()
    {
        var message = (ReadOnlyMemory<byte>)Message;
        Assert.True(Signer().Sign(message, "other.example").Span.SequenceEqual(Message));
    }

    [Fact]
    public void A_missing_or_short_key_stops_start_up_with_the_key_named()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => new DkimSigner(Options.Create(new DkimOptions
        {
            Domains = { ["example.com"] = new DkimDomainOptions { Selector = "s", PrivateKeyPath = "/nonexistent/key.pem" } },
        }), TimeProvider.System));
        Assert.Contains("Dkim:Domains:example.com:PrivateKeyPath", missing.Message);

        using var small = RSA.Create(512);
        var file = Path.GetTempFileName();
        File.WriteAllText(file, small.ExportPkcs8PrivateKeyPem());
        try
        {
            var weak = Assert.Throws<InvalidOperationException>(() => new DkimSigner(Options.Create(new DkimOptions
            {
                Domains = { ["example.com"] = new DkimDomainOptions { Selector = "s", PrivateKeyPath = file } },
            }), TimeProvider.System));
            Assert.Contains("512-bit", weak.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
