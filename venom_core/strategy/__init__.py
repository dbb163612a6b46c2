"""Strategy: the roadmap (vision, milestones, tasks), its computed KPIs and progress report."""
