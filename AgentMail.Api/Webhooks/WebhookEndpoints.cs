using System.Buffers.Binary;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Mailbox.Hosting;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Destinations;
using AgentMail.Webhooks.Core.Http;
using AgentMail.Webhooks.Core.Payloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Webhooks;

/// <summary>
/// <c>/v3/webhooks</c>: Nylas's destinations API (create with the challenge, list, get, update,
/// delete, rotate-secret, mock-payload, send-test-event) and, beyond Nylas, each destination's
/// delivery log with replay.
/// </summary>
public static class WebhookEndpoints
{
    public const int MaxDeliveryPageSize = 200;

    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder v3)
    {
        var webhooks = v3.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/", CreateAsync)
            .WithSummary("Create a webhook destination")
            .WithDescription("The URL is verified first: GET <webhook_url>?challenge=<value> must answer 200 with exactly <value> within 10 s. The answer carries webhook_secret, the key of X-Nylas-Signature; it is not shown again.")
            .Accepts<CreateWebhookRequest>("application/json")
            .Produces<DataEnvelope<WebhookObject>>();
        webhooks.MapGet("/", ListAsync)
            .WithSummary("List webhook destinations")
            .Produces<ListEnvelope<WebhookObject>>();
        webhooks.MapGet("/{id}", GetAsync)
            .WithSummary("Get a webhook destination")
            .Produces<DataEnvelope<WebhookObject>>();
        webhooks.MapPut("/{id}", UpdateAsync)
            .WithSummary("Update a webhook destination")
            .WithDescription("Only the fields given change. A new webhook_url, or status 'active' for a paused or failed destination, is verified with the challenge first.")
            .Accepts<UpdateWebhookRequest>("application/json")
            .Produces<DataEnvelope<WebhookObject>>();
        webhooks.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Delete a webhook destination")
            .Produces<DataEnvelope<WebhookDeleted>>();
        webhooks.MapPost("/rotate-secret/{id}", RotateSecretAsync)
            .WithSummary("Rotate a destination's secret")
            .WithDescription("The next attempt is signed with the new secret; the old one stops working at once.")
            .Produces<DataEnvelope<WebhookObject>>();
        webhooks.MapPost("/mock-payload", MockPayloadAsync)
            .WithSummary("Get an example notification of a trigger type")
            .Accepts<WebhookTestRequest>("application/json");
        webhooks.MapPost("/send-test-event", SendTestEventAsync)
            .WithSummary("Send an example notification to a URL")
            .WithDescription($"Signed with the secret '{MockNotifications.TestEventSecret}'. 200 when the receiver answers 2xx, otherwise 400 saying what happened.")
            .Accepts<WebhookTestRequest>("application/json");
        webhooks.MapGet("/{id}/deliveries", ListDeliveriesAsync)
            .WithSummary("List a destination's deliveries (beyond Nylas)")
            .WithDescription("Newest first, with every attempt: outcome, status code, error, a prefix of the response, timings. limit (default 50, max 200), page_token.")
            .Produces<ListEnvelope<WebhookDeliveryObject>>();
        webhooks.MapGet("/{id}/deliveries/{delivery_id}", GetDeliveryAsync)
            .WithSummary("Get one delivery with its attempts (beyond Nylas)")
            .Produces<DataEnvelope<WebhookDeliveryObject>>();
        webhooks.MapPost("/{id}/deliveries/{delivery_id}/replay", ReplayAsync)
            .WithSummary("Send a delivery again (beyond Nylas)")
            .WithDescription("Same notification id, next attempt number, a fresh retry period. The destination must be active or failing.")
            .Produces<DataEnvelope<WebhookDeliveryObject>>();
        return v3;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, WebhookValidation validation, WebhookDestinationStore store, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, WebhookJson.Default.CreateWebhookRequest, cancellationToken);
        var triggers = WebhookValidation.TriggerTypes(body.TriggerTypes);
        var description = WebhookValidation.Description(body.Description) ?? "";
        var emails = WebhookValidation.NotificationEmails(body.NotificationEmailAddresses);
        var url = await validation.UrlAsync(body.WebhookUrl, cancellationToken);
        await validation.VerifyAsync(url, cancellationToken);
        try
        {
            var created = await store.CreateAsync(new NewWebhookDestination(url.AbsoluteUri, triggers, description, emails, body.CompressedDelivery ?? false), cancellationToken);
            return ApiResults.Data(WebhookObject.From(created, withSecret: true), WebhookJson.Default.WebhookObject);
        }
        catch (DuplicateWebhookUrlException e)
        {
            throw ApiException.Conflict(e.Message);
        }
    }

    private static async Task<IResult> ListAsync(WebhookDestinationStore store, CancellationToken cancellationToken)
    {
        var destinations = await store.ListAsync(cancellationToken);
        return ApiResults.List(destinations.Select(d => WebhookObject.From(d)).ToList(), WebhookJson.Default.WebhookObject, nextCursor: null);
    }

    private static async Task<IResult> GetAsync(string id, WebhookDestinationStore store, CancellationToken cancellationToken) =>
        ApiResults.Data(WebhookObject.From(await FindAsync(id, store, cancellationToken)), WebhookJson.Default.WebhookObject);

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, WebhookValidation validation, WebhookDestinationStore store, CancellationToken cancellationToken)
    {
        var current = await FindAsync(id, store, cancellationToken);
        var body = await JsonBody.ReadAsync(request, WebhookJson.Default.UpdateWebhookRequest, cancellationToken);
        // Nylas: empty fields do not overwrite.
        var triggers = body.TriggerTypes is { Count: > 0 } ? WebhookValidation.TriggerTypes(body.TriggerTypes) : null;
        var description = string.IsNullOrEmpty(body.Description) ? null : WebhookValidation.Description(body.Description);
        var emails = body.NotificationEmailAddresses is { Count: > 0 } ? WebhookValidation.NotificationEmails(body.NotificationEmailAddresses) : null;
        var status = string.IsNullOrEmpty(body.Status) ? null : WebhookValidation.Status(body.Status);
        Uri? url = null;
        if (!string.IsNullOrEmpty(body.WebhookUrl))
        {
            url = await validation.UrlAsync(body.WebhookUrl, cancellationToken);
            if (url.AbsoluteUri == current.WebhookUrl)
                url = null;
        }
        // A new URL, or a paused or failed destination made active, must pass the challenge first.
        var reactivating = status == DestinationStatus.Active && current.Status is DestinationStatus.Pause or DestinationStatus.Failed;
        if (url is not null || reactivating)
            await validation.VerifyAsync(url ?? new Uri(current.WebhookUrl), cancellationToken);
        try
        {
            var updated = await store.UpdateAsync(current.Id,
                new WebhookDestinationUpdate(url?.AbsoluteUri, triggers, description, emails, body.CompressedDelivery, status == current.Status ? null : status),
                cancellationToken) ?? throw NotFound(id);
            return ApiResults.Data(WebhookObject.From(updated), WebhookJson.Default.WebhookObject);
        }
        catch (DuplicateWebhookUrlException e)
        {
            throw ApiException.Conflict(e.Message);
        }
    }

    private static async Task<IResult> DeleteAsync(string id, WebhookDestinationStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var guid) || !await store.DeleteAsync(guid, cancellationToken))
            throw NotFound(id);
        return ApiResults.Data(new WebhookDeleted(), WebhookJson.Default.WebhookDeleted);
    }

    private static async Task<IResult> RotateSecretAsync(string id, WebhookDestinationStore store, CancellationToken cancellationToken)
    {
        var rotated = Guid.TryParse(id, out var guid) ? await store.RotateSecretAsync(guid, cancellationToken) : null;
        return ApiResults.Data(WebhookObject.From(rotated ?? throw NotFound(id), withSecret: true), WebhookJson.Default.WebhookObject);
    }

    private static async Task<IResult> MockPayloadAsync(HttpRequest request, IOptions<MailboxOptions> mailbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, WebhookJson.Default.WebhookTestRequest, cancellationToken);
        var json = MockPayload(body.TriggerType, mailbox.Value.ApplicationId, clock);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return ApiResults.Data(document.RootElement.Clone(), WebhookJson.Default.JsonElement);
    }

    private static async Task<IResult> SendTestEventAsync(HttpRequest request, WebhookValidation validation, WebhookSender sender,
        IOptions<MailboxOptions> mailbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, WebhookJson.Default.WebhookTestRequest, cancellationToken);
        var json = MockPayload(body.TriggerType, mailbox.Value.ApplicationId, clock);
        var url = await validation.UrlAsync(body.WebhookUrl, cancellationToken);
        var result = await sender.PostAsync(NotificationPayload.Sign(url, json, gzip: false, MockNotifications.TestEventSecret), cancellationToken);
        if (!result.Succeeded)
            throw ApiException.BadRequest($"The test event to {url.AbsoluteUri} was not accepted: {result.Error}");
        return ApiResults.Data("success", WebhookJson.Default.String);
    }

    private static async Task<IResult> ListDeliveriesAsync(string id, HttpRequest request, WebhookDestinationStore store, WebhookDeliveryStore deliveries,
        PageTokens pageTokens, CancellationToken cancellationToken)
    {
        var destination = await FindAsync(id, store, cancellationToken);
        var query = new QueryParameters(request.Query);
        var limit = query.Limit(50, MaxDeliveryPageSize);
        // The position is the last event id of the page (deliveries are listed newest event first).
        var scope = $"webhook-deliveries:{destination.Id:N}";
        var position = pageTokens.Read(query.String("page_token", PageTokens.MaxLength), scope, sizeof(long)) is { } bytes
            ? new DeliveryPosition(BinaryPrimitives.ReadInt64BigEndian(bytes))
            : null;
        var page = await deliveries.ListAsync(destination.Id, limit, position, cancellationToken);
        string? next = null;
        if (page.Next is { } last)
        {
            var lastBytes = new byte[sizeof(long)];
            BinaryPrimitives.WriteInt64BigEndian(lastBytes, last.EventId);
            next = pageTokens.Create(scope, lastBytes);
        }
        return ApiResults.List(page.Deliveries.Select(WebhookDeliveryObject.From).ToList(), WebhookJson.Default.WebhookDeliveryObject, next);
    }

    private static async Task<IResult> GetDeliveryAsync(string id, [FromRoute(Name = "delivery_id")] string deliveryId, WebhookDestinationStore store, WebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var destination = await FindAsync(id, store, cancellationToken);
        var delivery = Guid.TryParse(deliveryId, out var deliveryGuid) ? await deliveries.GetAsync(destination.Id, deliveryGuid, cancellationToken) : null;
        return ApiResults.Data(WebhookDeliveryObject.From(delivery ?? throw DeliveryNotFound(deliveryId)), WebhookJson.Default.WebhookDeliveryObject);
    }

    private static async Task<IResult> ReplayAsync(string id, [FromRoute(Name = "delivery_id")] string deliveryId, WebhookDestinationStore store, WebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var destination = await FindAsync(id, store, cancellationToken);
        if (!DestinationStatus.IsDelivered(destination.Status))
            throw ApiException.BadRequest($"The destination is '{destination.Status}': set its status to 'active' before replaying deliveries.");
        var replayed = Guid.TryParse(deliveryId, out var deliveryGuid) ? await deliveries.ReplayAsync(destination.Id, deliveryGuid, cancellationToken) : null;
        return ApiResults.Data(WebhookDeliveryObject.From(replayed ?? throw DeliveryNotFound(deliveryId)), WebhookJson.Default.WebhookDeliveryObject);
    }

    private static byte[] MockPayload(string? triggerType, string applicationId, TimeProvider clock)
    {
        if (string.IsNullOrEmpty(triggerType))
            throw ApiException.BadRequest($"'trigger_type' is required: one of {string.Join(", ", MockNotifications.Types)}.");
        return MockNotifications.Create(triggerType, applicationId, clock.GetUtcNow())
            ?? throw ApiException.BadRequest($"Unknown 'trigger_type' '{(triggerType.Length > 64 ? triggerType[..64] + "…" : triggerType)}'. Supported: {string.Join(", ", MockNotifications.Types)}.");
    }

    private static async Task<WebhookDestination> FindAsync(string id, WebhookDestinationStore store, CancellationToken cancellationToken) =>
        (Guid.TryParse(id, out var guid) ? await store.GetAsync(guid, cancellationToken) : null) ?? throw NotFound(id);

    private static ApiException NotFound(string id) =>
        ApiException.NotFound($"No webhook destination with id '{(id.Length > 64 ? id[..64] + "…" : id)}'.");

    private static ApiException DeliveryNotFound(string id) =>
        ApiException.NotFound($"No delivery with id '{(id.Length > 64 ? id[..64] + "…" : id)}' for this webhook destination.");
}
