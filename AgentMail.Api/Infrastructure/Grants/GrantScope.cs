using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Mailbox.Grants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMail.Api.Infrastructure.Grants;

/// <summary>
/// The grant a <c>/v3/grants/{grant_id}/…</c> request acts on, resolved before the endpoint runs.
/// <c>{grant_id}</c> takes Nylas's grant id patterns: the id, <c>grant:&lt;id&gt;</c>, the e-mail
/// address, <c>email:&lt;address&gt;</c>. An unknown grant is a 404; every query the endpoint then
/// makes is scoped by <see cref="Id"/>, which is how one grant never reaches another's data.
/// </summary>
public sealed record GrantScope(Guid Id, string Email, string? Name)
{
    public const string RouteParameter = "grant_id";

    /// <summary>Minimal APIs bind a <see cref="GrantScope"/> parameter through this.</summary>
    public static async ValueTask<GrantScope?> BindAsync(HttpContext context)
    {
        var raw = context.Request.RouteValues[RouteParameter] as string ?? "";
        var grants = context.RequestServices.GetRequiredService<GrantService>();
        var grant = await ResolveAsync(grants, raw, context.RequestAborted);
        return new GrantScope(grant.Id, grant.Email, grant.Name);
    }

    public static async Task<Grant> ResolveAsync(GrantService grants, string raw, CancellationToken cancellationToken)
    {
        var identifier = Parse(raw);
        var grant = identifier.Length > 0 ? await grants.ResolveAsync(identifier, cancellationToken) : null;
        return grant ?? throw ApiException.NotFound($"Grant '{Shorten(raw)}' not found.");
    }

    /// <summary>The id or address inside a grant identifier; "" when it cannot name a grant.</summary>
    private static string Parse(string raw)
    {
        if (raw.Length > 320)
            return "";
        if (raw == "me")
            throw ApiException.BadRequest("'me' names the grant of an access token; with an API key, name the grant by its id or e-mail address.");
        if (raw.StartsWith("grant:", StringComparison.Ordinal))
            return Guid.TryParse(raw.AsSpan(6), out _) ? raw[6..] : "";
        if (raw.StartsWith("email:", StringComparison.Ordinal))
            return raw.Contains('@') ? raw[6..] : "";
        if (raw.StartsWith("external:", StringComparison.Ordinal))
            throw ApiException.BadRequest("External grant ids are not supported; name the grant by its id or e-mail address.");
        return raw;
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
