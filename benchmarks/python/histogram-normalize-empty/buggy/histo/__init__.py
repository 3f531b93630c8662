"""Bin numeric data into histograms and render them as text."""
