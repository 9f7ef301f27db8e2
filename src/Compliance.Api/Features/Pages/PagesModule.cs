using Compliance.Api.Infrastructure.Http;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// The console's working pages (issue #19), under the signed-in console group of <see cref="People.ConsolePages"/>
/// (antiforgery, no-store, strict CSP, second factor first). Each area declares its own policy, the same policies the
/// API's endpoints use, so a person meets the same wall in the console as a key does in the API.
/// </summary>
public static class PagesModule
{
    public static IServiceCollection AddConsolePages(this IServiceCollection services) =>
        services.AddSingleton<ConsoleStrings>().AddScoped<CaseView>();

    public static void Map(RouteGroupBuilder signedIn)
    {
        var pages = signedIn.MapGroup(string.Empty).AddEndpointFilter<UnitOfWorkFilter>();
        CasePages.Map(pages);
        EmployerPages.Map(pages);
        AuditorPages.Map(pages);
        ManagementPages.Map(pages);
    }
}
