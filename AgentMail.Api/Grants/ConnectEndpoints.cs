using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Mailbox.Grants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMail.Api.Grants;

/// <summary><c>POST /v3/connect/custom</c>: creates an Agent Account grant (<c>provider: "nylas"</c>).</summary>
public static class ConnectEndpoints
{
    public static RouteGroupBuilder MapConnectEndpoints(this RouteGroupBuilder v3)
    {
        var connect = v3.MapGroup("/connect").WithTags("Grants");
        connect.MapPost("/custom", CreateAsync)
            .WithSummary("Create an Agent Account grant")
            .WithDescription("provider must be \"nylas\"; settings.email is the address; settings.app_password (optional) enables IMAP/SMTP sign-in and is never returned.")
            .Accepts<ConnectRequest>("application/json")
            .Produces<DataEnvelope<Mailbox.Objects.GrantObject>>(StatusCodes.Status201Created);
        return v3;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, GrantService grants, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, ApiJson.Default.ConnectRequest, cancellationToken);
        if (body.Provider is null)
            throw ApiException.BadRequest("'provider' is required and must be \"nylas\".");
        if (body.Provider != "nylas")
            throw ApiException.BadRequest($"'provider' must be \"nylas\" (an Agent Account hosted here), not \"{Short(body.Provider)}\".");
        if (body.Settings is null)
            throw ApiException.BadRequest("'settings' is required, with at least 'email'.");
        if (string.IsNullOrWhiteSpace(body.Settings.Email))
            throw ApiException.BadRequest("'settings.email' is required.");

        var grant = await grants.CreateAsync(new CreateGrantRequest(body.Settings.Email, GrantValidation.Name(body.Name),
            body.Settings.AppPassword, GrantValidation.Quota(body.QuotaBytes)), cancellationToken);
        return ApiResults.Data(grant.ToObject(), ApiJson.Default.GrantObject, statusCode: StatusCodes.Status201Created);
    }

    private static string Short(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
