using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Objects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMail.Api.Grants;

/// <summary><c>/v3/grants</c>: list, get, update (name, settings = the app password), delete.</summary>
public static class GrantEndpoints
{
    public const int MaxLimit = 200;

    public static RouteGroupBuilder MapGrantEndpoints(this RouteGroupBuilder v3)
    {
        var grants = v3.MapGroup("/grants").WithTags("Grants");
        grants.MapGet("/", ListAsync)
            .WithSummary("List grants")
            .WithDescription("Filters: email, provider, grant_status, since, before (unix seconds); sort_by (created_at|updated_at), order_by (asc|desc); limit (default 10, max 200) and offset.")
            .Produces<ListEnvelope<GrantObject>>();
        grants.MapGet("/{grant_id}", GetAsync)
            .WithSummary("Get a grant by id or e-mail address")
            .Produces<DataEnvelope<GrantObject>>();
        grants.MapPatch("/{grant_id}", UpdateAsync)
            .WithSummary("Update a grant")
            .WithDescription("name; settings replaces the settings: settings.app_password sets or rotates the app password (ending every open IMAP/SMTP session), settings without app_password removes it.")
            .Accepts<UpdateGrantRequest>("application/json")
            .Produces<DataEnvelope<GrantObject>>();
        grants.MapDelete("/{grant_id}", DeleteAsync)
            .WithSummary("Delete a grant and its mailbox")
            .Produces<RequestEnvelope>();
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, GrantList list, CancellationToken cancellationToken)
    {
        var query = new QueryParameters(request.Query);
        var limit = query.Limit(10, MaxLimit);
        var offset = (int)(query.Long("offset", 0, int.MaxValue) ?? 0);
        var filter = new GrantFilter(
            query.String("email", 320),
            query.String("provider", 64),
            query.Enum("grant_status", "valid", "invalid"),
            query.UnixTime("since"),
            query.UnixTime("before"),
            query.Enum("sort_by", "created_at", "updated_at") == "updated_at",
            query.Enum("order_by", "asc", "desc") == "asc",
            limit,
            offset);
        var grants = await list.ListAsync(filter, cancellationToken);
        return ApiResults.List(grants.Select(g => g.ToObject()).ToList(), ApiJson.Default.GrantObject, nextCursor: null, extra: json =>
        {
            json.WriteNumber("limit"u8, limit);
            json.WriteNumber("offset"u8, offset);
        });
    }

    private static async Task<IResult> GetAsync(GrantScope grant, GrantService grants, CancellationToken cancellationToken)
    {
        var current = await grants.GetAsync(grant.Id, cancellationToken) ?? throw ApiException.NotFound("Grant not found.");
        return ApiResults.Data(current.ToObject(), ApiJson.Default.GrantObject);
    }

    private static async Task<IResult> UpdateAsync(GrantScope grant, HttpRequest request, GrantService grants, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, ApiJson.Default.UpdateGrantRequest, cancellationToken);
        var update = new GrantUpdate { Name = GrantValidation.Name(body.Name), QuotaBytes = GrantValidation.Quota(body.QuotaBytes) };
        if (body.Settings is { } settings)
        {
            if (settings.Email is not null && !string.Equals(EmailAddressRules.Key(settings.Email), EmailAddressRules.Key(grant.Email), StringComparison.Ordinal))
                throw ApiException.BadRequest("'settings.email' cannot be changed; create a new grant for another address.");
            // Nylas replaces the whole settings object: without app_password the grant has none.
            update = settings.AppPassword is null
                ? update with { RemoveAppPassword = true }
                : update with { AppPassword = settings.AppPassword };
        }
        var updated = await grants.UpdateAsync(grant.Id, update, cancellationToken);
        return ApiResults.Data(updated.ToObject(), ApiJson.Default.GrantObject);
    }

    private static async Task<IResult> DeleteAsync(GrantScope grant, GrantService grants, CancellationToken cancellationToken)
    {
        await grants.DeleteAsync(grant.Id, cancellationToken);
        return ApiResults.Deleted();
    }
}
