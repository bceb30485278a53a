using Aspire.Hosting.Azure;
using Azure.Provisioning.AppContainers;

namespace AgentMail.AppHost.Model;

/// <summary>
/// Public TCP ingress for the mail protocols on Azure Container Apps, which Aspire's generator
/// does not produce by itself: it refuses external non-HTTP endpoints, and Container Apps accepts
/// external TCP ingress only in an environment on a custom virtual network. So this is opt-in:
/// with the AppHost setting <c>Deployment:PublicMailIngress=true</c> and the parameter
/// <c>aca-infrastructure-subnet-id</c> (a subnet of at least /23 delegated to
/// Microsoft.App/environments), the environment is placed on that subnet and each mail service's
/// ingress becomes external TCP. Without it, IMAP and SMTP are reachable only inside the environment.
/// See docs/deployment.md. Unverified on the build machines (no Aspire packages there).
/// </summary>
internal static class AzureDeployment
{
    private const string PublicMailIngressSetting = "Deployment:PublicMailIngress";

    public static IResourceBuilder<ProjectResource> WithPublicMailIngress(
        this IResourceBuilder<ProjectResource> service,
        (string Endpoint, int ExposedPort, int TargetPort) primary,
        params (string Endpoint, int ExposedPort, int TargetPort)[] additional)
    {
        var builder = service.ApplicationBuilder;
        if (!builder.ExecutionContext.IsPublishMode || !string.Equals(builder.Configuration[PublicMailIngressSetting], "true", StringComparison.OrdinalIgnoreCase))
            return service;

        builder.EnsureEnvironmentOnCustomNetwork();
        return service.PublishAsAzureContainerApp((_, app) =>
        {
            // A container app has one ingress: TCP on the primary port, the others as extra mappings.
            // Health probes reach the HTTP port inside the environment and need no ingress.
            var ingress = app.Configuration.Ingress;
            ingress.External = true;
            ingress.Transport = ContainerAppIngressTransportMethod.Tcp;
            ingress.ExposedPort = primary.ExposedPort;
            ingress.TargetPort = primary.TargetPort;
            foreach (var (_, exposedPort, targetPort) in additional)
                ingress.AdditionalPortMappings.Add(new IngressPortMapping { External = true, ExposedPort = exposedPort, TargetPort = targetPort });
        });
    }

    private static void EnsureEnvironmentOnCustomNetwork(this IDistributedApplicationBuilder builder)
    {
        if (builder.Resources.OfType<AzureContainerAppEnvironmentResource>().Any())
            return;
        var subnetId = builder.AddParameter("aca-infrastructure-subnet-id");
        builder.AddAzureContainerAppEnvironment("aca-env")
            .ConfigureInfrastructure(infrastructure =>
            {
                var environment = infrastructure.GetProvisionableResources().OfType<ContainerAppManagedEnvironment>().Single();
                environment.VnetConfiguration = new ContainerAppVnetConfiguration
                {
                    InfrastructureSubnetId = subnetId.AsProvisioningParameter(infrastructure),
                    IsInternal = false,
                };
            });
    }
}
