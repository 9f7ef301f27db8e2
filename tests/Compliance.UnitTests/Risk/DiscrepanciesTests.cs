using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using static Compliance.UnitTests.Risk.Evidence;

namespace Compliance.UnitTests.Risk;

/// <summary>docs/risk-model.md "Discrepancies": each code, when it is reported and when it is not.</summary>
public class DiscrepanciesTests
{
    [Fact]
    public void Codes_AreTheDocumentedOnes()
    {
        Assert.Equal("clean-audit-vs-worker-reports", Discrepancies.CleanAuditVsWorkerReports);
        Assert.Equal("zero-fee-declaration-vs-fees", Discrepancies.ZeroFeeDeclarationVsFees);
        Assert.Equal("consented-safekeeping-vs-worker-reports", Discrepancies.ConsentedSafekeepingVsWorkerReports);
        Assert.Equal("no-confinement-finding-vs-worker-reports", Discrepancies.NoConfinementFindingVsWorkerReports);
    }

    [Fact]
    public void Find_NullEvidence_Throws() => Assert.Throws<ArgumentNullException>(() => Discrepancies.Find(null!));

    [Fact]
    public void Find_NoEvidence_FindsNothing() => Assert.Empty(Discrepancies.Find(new SiteEvidence()));

    [Fact]
    public void CleanAudit_WhileWorkersReport_SaysHowManyAuditsAndReports()
    {
        var site = new SiteEvidence { RecentAuditsWithZeroFindings = 2, GrievancesLast90Days = new Dictionary<string, int> { ["FL11"] = 3 } };

        var d = Assert.Single(Discrepancies.Find(site));

        Assert.Equal(new Discrepancy(
            Discrepancies.CleanAuditVsWorkerReports, "FL11", "2 recent audit(s) found nothing, yet workers filed 3 grievance(s) about excessive overtime."), d);
    }

    [Fact]
    public void CleanAudit_WithoutWorkerReports_IsNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { RecentAuditsWithZeroFindings = 3, GrievancesLast90Days = new Dictionary<string, int> { ["FL11"] = 0 } }));

    [Fact]
    public void WorkerReports_WithoutACleanAudit_AreNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { GrievancesLast90Days = Grievances((GrievanceCategories.TooManyHours, 4)) }));

    [Fact]
    public void CleanAudit_WhenTheFindingOnThatIndicatorIsNoLongerOpen_IsStillADiscrepancy()
    {
        // Only an open finding on the indicator means the audits saw what the workers report.
        var site = new SiteEvidence
        {
            RecentAuditsWithZeroFindings = 1,
            GrievancesLast90Days = new Dictionary<string, int> { ["FL08"] = 1 },
            OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL08"] = new(0, FindingSeverity.Major, 1), ["FL11"] = new(1, FindingSeverity.Minor) },
        };

        var d = Assert.Single(Discrepancies.Find(site));

        Assert.Equal((Discrepancies.CleanAuditVsWorkerReports, "FL08"), (d.Code, d.Indicator));
    }

    [Fact]
    public void ZeroFeeDeclarations_AlongsideFeeRecords_SayBothCounts()
    {
        var site = new SiteEvidence { SignedZeroFeeDeclarations = 40, PaidRecruitmentFees = 6 };

        var d = Assert.Single(Discrepancies.Find(site));

        Assert.Equal(new Discrepancy(
            Discrepancies.ZeroFeeDeclarationVsFees, "FL09", "40 zero-fee declaration(s) signed, yet 6 fee record(s) and 0 worker grievance(s) show fees or debt."), d);
    }

    [Fact]
    public void ZeroFeeDeclarations_AlongsideDebtGrievancesOnly_IsADiscrepancy()
    {
        var site = new SiteEvidence { SignedZeroFeeDeclarations = 40, GrievancesLast90Days = Grievances((GrievanceCategories.PaidFeeForJob, 2)) };

        var d = Assert.Single(Discrepancies.Find(site));

        Assert.Equal(new Discrepancy(
            Discrepancies.ZeroFeeDeclarationVsFees, "FL09", "40 zero-fee declaration(s) signed, yet 0 fee record(s) and 2 worker grievance(s) show fees or debt."), d);
    }

    [Fact]
    public void ZeroFeeDeclarations_WithNothingAgainstThem_AreNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { ActiveWorkers = 40, SignedZeroFeeDeclarations = 40 }));

    [Fact]
    public void FeeRecords_WithoutDeclarations_AreNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { PaidRecruitmentFees = 6, GrievancesLast90Days = Grievances((GrievanceCategories.OweMoney, 2)) }));

    [Fact]
    public void ZeroFeeDeclarations_AreCheckedAgainstDebtReportsOnly()
    {
        // Grievances on other indicators do not contradict a zero-fee declaration.
        var site = new SiteEvidence { SignedZeroFeeDeclarations = 40, GrievancesLast90Days = Grievances((GrievanceCategories.DocumentsHeld, 2), (GrievanceCategories.CannotLeave, 1)) };

        Assert.DoesNotContain(Discrepancies.Find(site), d => d.Code == Discrepancies.ZeroFeeDeclarationVsFees);
    }

    [Fact]
    public void ConsentedSafekeeping_WhileWorkersReportDocuments_IsADiscrepancy()
    {
        var site = new SiteEvidence { PassportSafekeepingWithConsent = 12, GrievancesLast90Days = Grievances((GrievanceCategories.DocumentsHeld, 2)) };

        var d = Assert.Single(Discrepancies.Find(site));

        Assert.Equal(new Discrepancy(
            Discrepancies.ConsentedSafekeepingVsWorkerReports, "FL07", "12 passport(s) held with a consent form, yet workers filed 2 grievance(s) about their documents."), d);
    }

    [Fact]
    public void ConsentedSafekeeping_WithoutDocumentReports_IsNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { PassportSafekeepingWithConsent = 12, GrievancesLast90Days = Grievances((GrievanceCategories.CannotLeave, 2)) }));

    [Fact]
    public void DocumentReports_WithoutConsentForms_AreNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { PassportHeldByOther = 12, GrievancesLast90Days = Grievances((GrievanceCategories.DocumentsHeld, 2)) }));

    [Fact]
    public void NoConfinementAudit_WhileWorkersSayTheyCannotLeave_IsADiscrepancy()
    {
        var site = new SiteEvidence { AuditsReportingNoConfinement = 2, GrievancesLast90Days = Grievances((GrievanceCategories.CannotLeave, 1)) };

        var d = Assert.Single(Discrepancies.Find(site));

        Assert.Equal(new Discrepancy(
            Discrepancies.NoConfinementFindingVsWorkerReports, "FL03", "2 audit(s) found no confinement, yet workers filed 1 grievance(s) saying they cannot leave."), d);
    }

    [Fact]
    public void NoConfinementAudit_WithoutMovementReports_IsNoDiscrepancy() =>
        Assert.Empty(Discrepancies.Find(new SiteEvidence { AuditsReportingNoConfinement = 2, GrievancesLast90Days = Grievances((GrievanceCategories.DocumentsHeld, 1)) }));

    [Fact]
    public void Find_OrdersByIndicatorThenByDocumentedCode()
    {
        var site = new SiteEvidence
        {
            RecentAuditsWithZeroFindings = 1,
            AuditsReportingNoConfinement = 1,
            SignedZeroFeeDeclarations = 5,
            PassportSafekeepingWithConsent = 5,
            GrievancesLast90Days = Grievances((GrievanceCategories.Under18, 1), (GrievanceCategories.OweMoney, 1), (GrievanceCategories.DocumentsHeld, 1), (GrievanceCategories.CannotLeave, 1)),
        };

        Assert.Equal(
        [
            (Discrepancies.CleanAuditVsWorkerReports, "FL03"),
            (Discrepancies.NoConfinementFindingVsWorkerReports, "FL03"),
            (Discrepancies.CleanAuditVsWorkerReports, "FL07"),
            (Discrepancies.ConsentedSafekeepingVsWorkerReports, "FL07"),
            (Discrepancies.CleanAuditVsWorkerReports, "FL09"),
            (Discrepancies.ZeroFeeDeclarationVsFees, "FL09"),
            (Discrepancies.CleanAuditVsWorkerReports, "CH01"),
        ],
            Discrepancies.Find(site).Select(d => (d.Code, d.Indicator)));
    }

    [Fact]
    public void Find_WithoutAReportCountWriter_WritesTheNumbers()
    {
        var site = CaseStudies.Santi;

        Assert.Equal(Discrepancies.Find(site), Discrepancies.Find(site, null));
        Assert.Equal(Discrepancies.Find(site), RiskModel.Assess(site).Discrepancies);
    }

    [Fact]
    public void Find_WithAReportCountWriter_UsesItForWorkerReportsOnly()
    {
        var written = new List<int>();
        var site = new SiteEvidence
        {
            RecentAuditsWithZeroFindings = 7,
            SignedZeroFeeDeclarations = 9,
            PaidRecruitmentFees = 8,
            GrievancesLast90Days = new Dictionary<string, int> { ["FL11"] = 3 },
        };

        var found = Discrepancies.Find(site, n =>
        {
            written.Add(n);
            return "some";
        });

        Assert.Equal([3], written);
        Assert.Equal(
        [
            "9 zero-fee declaration(s) signed, yet 8 fee record(s) and 0 worker grievance(s) show fees or debt.",
            "7 recent audit(s) found nothing, yet workers filed some grievance(s) about excessive overtime.",
        ],
            found.Select(d => d.Explanation));
    }
}
