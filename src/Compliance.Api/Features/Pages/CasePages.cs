namespace Compliance.Api.Features.Pages;

public static class CasePages
{
    public const string Inbox = "/console/cases";

    public static void Map(RouteGroupBuilder pages)
    {
    }
}
