"""Flash sales (秒杀): the Redis gate and the database claim that never oversell (`gate.py`) and the stock set
aside for a sale and given back when it ends (`holds.py`)."""
