"""What the test plugin's channels bring to the workflow (hook ``loa_channel_declarations``).

``testchannel`` declares no gate, so the workflow tests decide its steps themselves.
``testgated`` is the worked example of a channel with rules of its own: an agency leader
of the target's unit approves, and only ``law`` goes without a written justification.
"""

from __future__ import annotations

from core import ApprovalGate, Capabilities, ChannelDeclaration

LEADER_REVIEW = ApprovalGate(
    "test_leader_review",
    "Lãnh đạo duyệt thử (test leader review)",
    "agency_leader",
    "target_unit",
)


def declarations(capabilities: Capabilities) -> list[ChannelDeclaration]:
    return [
        ChannelDeclaration(name="testchannel", title="Test channel", capabilities=capabilities),
        ChannelDeclaration(
            name="testgated",
            title="Test channel with gates",
            capabilities=capabilities,
            approval_gates=(LEADER_REVIEW,),
            accepted_topics=("law",),
        ),
    ]
