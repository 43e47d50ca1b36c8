"""The reports app's pages, one module a page: the dashboard and the lists behind its numbers,
the budget, plans, the units' tasks, generated reports and the locking of years."""
