"""The home-page card of the reports (registered in this app's AppConfig.ready)."""

from reports.models import JobState, MonthlyReport


def figures_card(user) -> dict:
    """Office, committee, region: where the figures are, and the latest issued monthly report."""
    latest = (
        MonthlyReport.objects.for_user(user)
        .filter(state=JobState.DONE)
        .select_related("county")
        .latest_first()
        .first()
    )
    return {"latest_monthly_report": latest}
