"""体检中心: shop health indicators, items with deadlines, points, sanctions, appeals, credit, rules center."""
