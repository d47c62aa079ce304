"""A submission's path: upload checked and stored, row committed, task sent, claimed by a worker, report saved."""
