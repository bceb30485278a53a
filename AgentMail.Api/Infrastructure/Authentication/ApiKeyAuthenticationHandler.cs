using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentMail.Api.Infrastructure.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Infrastructure.Authentication;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>, as Nylas takes it. A missing or wrong key is
/// answered 401 with Nylas's error envelope.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || !keys.IsValid(header.AsSpan(Bearer.Length).Trim()))
            return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var message = Request.Headers.Authorization.Count == 0
            ? "Unauthorized: send your API key as 'Authorization: Bearer <key>'."
            : "Unauthorized: the API key is not valid.";
        return ErrorResponse.WriteAsync(Context, StatusCodes.Status401Unauthorized, ApiErrorTypes.Unauthorized, message);
    }
}
