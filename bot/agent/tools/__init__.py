"""The tools engines call; each reaches the shop only through a ToolContext carrying the verified customer.

- shopper.py: the embedded engine's verification, order status, knowledge and product tools
- retail.py + registry.py: the tau2-bench retail tools (reads and writes) and call_tool()
- confirm.py: writes in two steps (propose, then execute on an explicit yes) with an audit log
"""

from bot.agent.tools.context import ToolContext
from bot.agent.tools.shopper import (
    find_products,
    get_order_status,
    list_customer_orders,
    order_json,
    search_knowledge,
    tracking_ids,
    verify_order_owner,
)

__all__ = [
    "ToolContext",
    "find_products",
    "get_order_status",
    "list_customer_orders",
    "order_json",
    "search_knowledge",
    "tracking_ids",
    "verify_order_owner",
]
