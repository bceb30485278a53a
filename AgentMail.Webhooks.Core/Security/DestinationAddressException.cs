namespace AgentMail.Webhooks.Core.Security;

/// <summary>A webhook host resolved to an address deliveries must not reach (see <see cref="AddressPolicy"/>).</summary>
public sealed class DestinationAddressException(string message) : Exception(message);
