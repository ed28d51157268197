"""Container runtimes behind one interface (interface.py): simulated today, Docker next."""
