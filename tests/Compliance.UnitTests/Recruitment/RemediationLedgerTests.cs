using Compliance.Api.Features.Recruitment;

namespace Compliance.UnitTests.Recruitment;

public class RemediationLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PartlyReimbursed_DueDateIsThatOfTheOldestFeeNotCovered()
    {
        var fees = new[] { ("MYR", 1000m, Now.AddDays(-200)), ("MYR", 500m, Now.AddDays(-10)) };
        var balance = Assert.Single(RemediationLedger.Balances(fees, [("MYR", 1000m)], 90, Now));
        Assert.Equal(500m, balance.Outstanding);
        Assert.Equal(DateOnly.FromDateTime(Now.AddDays(80).UtcDateTime), balance.DueOn);
        Assert.False(balance.Overdue);
    }

    [Fact]
    public void Unpaid_PastTheDueDays_IsOverdue_PerCurrency()
    {
        var fees = new[] { ("NPR", 50000m, Now.AddDays(-100)), ("MYR", 200m, Now.AddDays(-1)) };
        var balances = RemediationLedger.Balances(fees, [("MYR", 200m)], 90, Now);
        Assert.Equal(["MYR", "NPR"], balances.Select(b => b.Currency));
        Assert.Null(balances[0].DueOn);
        Assert.Equal(0m, balances[0].Outstanding);
        Assert.True(balances[1].Overdue);
    }
}
