"""Small talk, handoffs, knowledge and product replies of the embedded engine, en + zh."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

CHAT: Mapping[str, Mapping[Language, str]] = {
    "greeting": {
        "en": "Hello! I can help with your orders, our shipping, returns and other policies, and our products. "
        "What can I do for you?",
        "zh": "您好！我可以帮您查询订单，解答配送、退换货等政策问题以及商品问题。请问有什么可以帮您？",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "zh": "不客气！还有其他可以帮您的吗？",
    },
    "goodbye": {
        "en": "Thanks for chatting with us. Have a great day!",
        "zh": "感谢您的咨询，祝您生活愉快！",
    },
    "handoff_requested": {
        "en": "Of course. I'm passing you to a human colleague, who will reply in this chat as soon as they can.",
        "zh": "好的，正在为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_negative_sentiment": {
        "en": "I'm really sorry about this. I'm bringing in a human colleague who can sort it out with you; "
        "they will reply here shortly.",
        "zh": "非常抱歉给您带来不好的体验。我已为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_repeated_failure": {
        "en": "I'm sorry I couldn't help with that. I'm passing you to a human colleague, who will reply in this chat.",
        "zh": "抱歉我没能解决您的问题，正在为您转接人工客服，他们会在这里回复您。",
    },
    "handoff_sensitive": {
        "en": "This needs a person's attention, so I'm passing you to a human colleague right away. "
        "They will reply in this chat as soon as they can.",
        "zh": "这个问题需要由专人处理，我已立即为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_frustration": {
        "en": "I'm sorry this is taking so long. I'm bringing in a human colleague who can sort it out with you; "
        "they will reply here shortly.",
        "zh": "很抱歉让您久等了。我已为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_low_confidence": {
        "en": "I'm not sure I understand what you need, so I'm passing you to a human colleague, "
        "who will reply in this chat.",
        "zh": "抱歉，我不太确定您需要什么，正在为您转接人工客服，他们会在这里回复您。",
    },
    "handoff_other": {
        "en": "I'm passing you to a human colleague, who will reply in this chat as soon as they can.",
        "zh": "正在为您转接人工客服，他们会尽快在这里回复您。",
    },
    "no_answer": {
        "en": "I'm sorry, I couldn't find an answer to that in our help pages. Could you rephrase it, "
        "or would you like me to connect you with a human colleague?",
        "zh": "抱歉，我在帮助文档中没有找到相关答案。您可以换个说法再问一次，或者需要我为您转接人工客服吗？",
    },
    "complaint": {
        "en": "I'm sorry to hear that. If you'd like, I can pass you to a human colleague who can look into it.",
        "zh": "很抱歉听到这个情况。如果需要，我可以为您转接人工客服来处理。",
    },
    "other_language": {
        "en": "This is what our help pages say (only available in Chinese):",
        "zh": "以下是帮助文档中的相关内容（仅有英文版本）：",
    },
    # A yes/no question about the shop's rules: the answer first, then the sentence of the page that decides it.
    "policy_yes": {"en": "Yes.", "zh": "是的。"},
    "policy_no": {"en": "No.", "zh": "不是。"},
    "policy_verdict": {"en": "{word}.", "zh": "{word}。"},
    "policy_depends": {"en": "It depends.", "zh": "要看具体情况。"},
    "product_line": {
        "en": "{name}: {available} of {total} options in stock, {price}.",
        "zh": "{name}：{total} 个规格中有 {available} 个有货，{price}。",
    },
    "price_single": {"en": "${low:.2f}", "zh": "${low:.2f}"},
    "price_range": {"en": "${low:.2f} to ${high:.2f}", "zh": "${low:.2f} 至 ${high:.2f}"},
    # What the output guard puts where it took out someone else's details.
    "redacted": {"en": "[redacted]", "zh": "[已隐藏]"},
    # A handoff that finds nobody to answer (bot/agent/leave_message.py): said at once, with the offer to take
    # a message to answer by email; the shopper can go on with the bot meanwhile.
    "nobody_no_agents": {
        "en": "I'm sorry, no one from our team can chat right now. If you leave your email address and your "
        "message here, the team will reply to you by email. Meanwhile I can still help with anything else.",
        "zh": "抱歉，目前没有人工客服可以在线接待您。您可以在这里留下邮箱和留言，我们的团队会通过邮件回复您。"
        "在此期间，其他问题我仍然可以继续为您解答。",
    },
    "nobody_closed": {
        "en": "I'm sorry, no one from our team is available right now: they work {hours}. If you leave your "
        "email address and your message here, they will reply to you by email. Meanwhile I can still help "
        "with anything else.",
        "zh": "抱歉，现在不在人工客服的工作时间内（{hours}），暂时无人可以接待您。您可以在这里留下邮箱和留言，"
        "我们的团队会通过邮件回复您。在此期间，其他问题我仍然可以继续为您解答。",
    },
    "nobody_nobody_online": {
        "en": "I'm sorry, no one from our team is online right now. If you leave your email address and your "
        "message here, the team will reply to you by email. Meanwhile I can still help with anything else.",
        "zh": "抱歉，目前没有在线的人工客服。您可以在这里留下邮箱和留言，我们的团队会通过邮件回复您。"
        "在此期间，其他问题我仍然可以继续为您解答。",
    },
    "leave_message_ask_both": {
        "en": "Please write your email address and your message for the team, and I'll pass them on.",
        "zh": "请写下您的邮箱和想留给团队的话，我会为您转达。",
    },
    "leave_message_ask_email": {
        "en": "Thank you, I've noted your message. Which email address should the team reply to?",
        "zh": "好的，已记下您的留言。请问团队应该回复到哪个邮箱？",
    },
    "leave_message_ask_message": {
        "en": "Thank you, the team will reply to {email}. What would you like to tell them?",
        "zh": "好的，团队会回复到 {email}。请问您想给团队留言什么？",
    },
    "leave_message_taken": {
        "en": "Thank you. Your message is with our team, and they will reply to {email} by email. "
        "Is there anything else I can help with meanwhile?",
        "zh": "谢谢！您的留言已转交给我们的团队，他们会通过邮件回复到 {email}。在此期间还有什么可以帮您的吗？",
    },
    "leave_message_declined": {
        "en": "All right, I won't take a message. I'm here if you need anything else.",
        "zh": "好的，那就不留言了。还有其他需要随时告诉我。",
    },
    # The engine failed and a person takes over (the LLM engine without a fallback too).
    "engine_failed": {
        "en": "Sorry, something went wrong on my side. I'm passing you to a human colleague who will reply here.",
        "zh": "抱歉，我这边出了点问题。我已为您转接人工客服，他们会在这里回复您。",
    },
}
