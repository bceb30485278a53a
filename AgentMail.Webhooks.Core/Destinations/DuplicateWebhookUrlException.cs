namespace AgentMail.Webhooks.Core.Destinations;

/// <summary>Another destination already posts to this URL (each endpoint has one destination, as in Nylas).</summary>
public sealed class DuplicateWebhookUrlException(string url)
    : Exception($"A webhook destination for {url} already exists.");
