using System.Net;
using System.Reflection;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Authentication;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Objects;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class AppPasswordTests
{
    [Theory]
    [InlineData("Abcdefghijklmnop1", "at least 18 characters")] // 17
    [InlineData("Abcdefghijklmnopqrstuvwxyz0123456789abcd1", "at most 40 characters")] // 41
    [InlineData("Abcdefgh ijklmnop12", "must not contain spaces")]
    [InlineData("Abcdefgh\tijklmnop12", "must not contain control characters")]
    [InlineData("Abcdefghéijklmnop12", "only ASCII characters")]
    [InlineData("abcdefghijklmnop123", "upper-case letter")]
    [InlineData("ABCDEFGHIJKLMNOP123", "lower-case letter")]
    [InlineData("Abcdefghijklmnopqrs", "digit")]
    public void Each_rule_is_refused_with_a_message_naming_it(string password, string rule)
    {
        var error = AppPasswordPolicy.Validate(password);
        Assert.NotNull(error);
        Assert.Contains(rule, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Abcdefghijklmnopq1")] // 18
    [InlineData("Abcdefghijklmnopqrstuvwxyz0123456789!#$1")] // 40
    [InlineData("A1b~!@#$%^&*()_+{}|:<>?")]
    public void Passwords_within_the_rules_are_accepted(string password) => Assert.Null(AppPasswordPolicy.Validate(password));

    [Fact]
    public async Task Sign_in_verifies_against_bcrypt_and_rotation_bumps_the_version()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync(appPassword: "First-Passw0rd-abcdef");
        Assert.True(grant.HasAppPassword);
        Assert.Equal(1, grant.CredentialVersion);
        var hash = await mailbox.ScalarAsync<string>("SELECT app_password_hash FROM grants WHERE id = $1", grant.Id);
        Assert.StartsWith("$2b$04$", hash, StringComparison.Ordinal); // bcrypt, at the configured cost

        var ok = await mailbox.Authenticator.AuthenticateAsync(grant.Email.ToUpperInvariant(), "First-Passw0rd-abcdef", IPAddress.Loopback, default);
        Assert.True(ok.Succeeded);
        Assert.Equal(grant.Id, ok.Grant!.Id);
        var wrong = await mailbox.Authenticator.AuthenticateAsync(grant.Email, "First-Passw0rd-abcdeF", IPAddress.Loopback, default);
        Assert.Equal(AuthenticationFailure.InvalidCredentials, wrong.Failure);

        var rotated = await mailbox.Grants.UpdateAsync(grant.Id, new GrantUpdate { AppPassword = "Second-Passw0rd-abcdef" }, default);
        Assert.Equal(2, rotated.CredentialVersion);
        Assert.False((await mailbox.Authenticator.AuthenticateAsync(grant.Email, "First-Passw0rd-abcdef", null, default)).Succeeded);
        var second = await mailbox.Authenticator.AuthenticateAsync(grant.Email, "Second-Passw0rd-abcdef", null, default);
        Assert.Equal(2, second.CredentialVersion);
    }

    [Fact]
    public async Task Without_an_app_password_every_sign_in_is_refused()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        Assert.False(grant.HasAppPassword);
        Assert.Equal(AuthenticationFailure.InvalidCredentials, (await mailbox.Authenticator.AuthenticateAsync(grant.Email, "", null, default)).Failure);
        Assert.Equal(AuthenticationFailure.InvalidCredentials, (await mailbox.Authenticator.AuthenticateAsync(grant.Email, "Any-Passw0rd-at-all", null, default)).Failure);

        var withPassword = await mailbox.CreateGrantAsync(appPassword: "Some-Passw0rd-abcdefg");
        var removed = await mailbox.Grants.UpdateAsync(withPassword.Id, new GrantUpdate { RemoveAppPassword = true }, default);
        Assert.False(removed.HasAppPassword);
        Assert.False((await mailbox.Authenticator.AuthenticateAsync(withPassword.Email, "Some-Passw0rd-abcdefg", null, default)).Succeeded);
    }

    [Fact]
    public async Task Repeated_failures_throttle_the_address_and_the_client()
    {
        await using var mailbox = await MailboxHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["Authentication:MaxFailuresPerAddress"] = "3",
            ["Authentication:MaxFailuresPerClient"] = "5",
        });
        var grant = await mailbox.CreateGrantAsync(appPassword: "Right-Passw0rd-abcdef");
        var attacker = IPAddress.Parse("192.0.2." + Random.Shared.Next(1, 250));
        for (var i = 0; i < 3; i++)
            Assert.Equal(AuthenticationFailure.InvalidCredentials, (await mailbox.Authenticator.AuthenticateAsync(grant.Email, $"Wrong-Passw0rd-{i}xxxx", attacker, default)).Failure);

        // Even the right password is refused now, without being checked.
        Assert.Equal(AuthenticationFailure.Throttled, (await mailbox.Authenticator.AuthenticateAsync(grant.Email, "Right-Passw0rd-abcdef", IPAddress.Loopback, default)).Failure);

        // The same client trying other addresses is stopped by its own counter.
        var other = await mailbox.CreateGrantAsync(appPassword: "Other-Passw0rd-abcdef");
        Assert.Equal(AuthenticationFailure.InvalidCredentials, (await mailbox.Authenticator.AuthenticateAsync(MailboxHarness.UniqueEmail(), "Wrong-Passw0rd-xxxxxx", attacker, default)).Failure);
        Assert.Equal(AuthenticationFailure.InvalidCredentials, (await mailbox.Authenticator.AuthenticateAsync(MailboxHarness.UniqueEmail(), "Wrong-Passw0rd-xxxxxx", attacker, default)).Failure);
        Assert.Equal(AuthenticationFailure.Throttled, (await mailbox.Authenticator.AuthenticateAsync(other.Email, "Other-Passw0rd-abcdef", attacker, default)).Failure);
        Assert.True((await mailbox.Authenticator.AuthenticateAsync(other.Email, "Other-Passw0rd-abcdef", IPAddress.Loopback, default)).Succeeded);
    }

    [Fact]
    public async Task The_hash_never_appears_in_an_api_visible_model()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync(appPassword: "Visible-Passw0rd-abcdef");
        var hash = await mailbox.ScalarAsync<string>("SELECT app_password_hash FROM grants WHERE id = $1", grant.Id);

        var json = MailboxJson.Serialize(grant.ToObject());
        Assert.DoesNotContain(hash, json, StringComparison.Ordinal);
        Assert.DoesNotContain("Visible-Passw0rd", json, StringComparison.Ordinal);
        Assert.DoesNotContain("password_hash", json, StringComparison.Ordinal);
        foreach (var type in new[] { typeof(Grant), typeof(GrantObject) })
            Assert.DoesNotContain(type.GetProperties(BindingFlags.Public | BindingFlags.Instance), p => p.Name.Contains("Hash", StringComparison.OrdinalIgnoreCase));
        var created = (await mailbox.EventsAsync(grant.Id)).Single(e => e.Type == "grant.created");
        Assert.DoesNotContain(hash, created.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_password_is_refused_at_grant_creation_and_nothing_is_created()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var email = MailboxHarness.UniqueEmail();
        var error = await Assert.ThrowsAsync<MailboxException>(() => mailbox.Grants.CreateAsync(new CreateGrantRequest(email, AppPassword: "nodigitsOrUpperhere"), default));
        Assert.Equal(MailboxError.InvalidAppPassword, error.Error);
        Assert.Null(await mailbox.Grants.FindByEmailAsync(email, default));
    }
}
