"""A bundled, deterministic health-article site to crawl: the quick-start and test target.

``build_site`` generates every page in memory from seeded sentence banks; ``DemoServer`` serves
them over real HTTP on localhost; ``write_truth`` saves the ground truth a crawl is scored on.
"""
