"""万商 Wanshang: a multi-merchant (B2B2C) mall platform."""
