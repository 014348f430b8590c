"""广告法 wording: the platform's term list, the scanner, shops' exemption claims and the hits found."""
