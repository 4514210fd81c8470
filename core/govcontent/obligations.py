"""What a unit must publish (C1, C4): the checklist of Decree 42/2022 Art. 4(1), Decree
224/2026 Art. 9 and the Law on Access to Information Art. 17, 19, as data.

Each :class:`Obligation` names the information, its legal source, the portal section a reader
finds it in (a :data:`core.govcontent.menus.SECTIONS` value, so the menu and this list agree),
and where Loa looks for it: a government content type, or articles of the unit in one of the
obligation's categories (budget, procurement… are news-like posts an editor files under a
category). The completeness report (:mod:`core.govcontent.completeness`) checks a unit against
this list; the list itself is the unit's "Danh mục thông tin phải được công khai" (Decree
13/2018 Art. 6), served with where each item is and when it last changed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Obligation:
    key: str
    #: Vietnamese name, as the Danh mục lists it, and its English name (42 Art. 7(2)).
    name: str
    name_en: str
    #: The legal source, short form ("42 Art. 4(1)(a); 224 Art. 9").
    source: str
    #: Where a portal shows it: a menu section (``legal_documents``, ``category:<slug>``…).
    section: str
    #: For article-backed items: the categories whose published articles count.
    categories: tuple[str, ...] = ()


OBLIGATIONS: tuple[Obligation, ...] = (
    Obligation("introduction", "Giới thiệu: bộ máy, lịch sử, chức năng, nhiệm vụ",
               "Introduction: organisation, history, functions and duties",
               "42 Art. 4(1)(e); 224 Art. 9(1)(c)", "profile"),
    Obligation("news", "Tin tức – Sự kiện", "News and events", "43/2011 Art. 10(b)", "articles"),
    Obligation("directives", "Chỉ đạo, điều hành", "Directives and administration",
               "43/2011 Art. 10(c)", "category:chi-dao-dieu-hanh",
               categories=("chi-dao-dieu-hanh",)),
    Obligation("legal_documents", "Văn bản quy phạm pháp luật, văn bản chỉ đạo điều hành",
               "Legal and administrative documents", "42 Art. 4(1)(a)", "legal_documents"),
    Obligation("procedures", "Thủ tục hành chính, dịch vụ công trực tuyến",
               "Administrative procedures and online public services",
               "42 Art. 4(1)(c); 224 Art. 9(1)(a)", "procedures"),
    Obligation("plans", "Chiến lược, quy hoạch, kế hoạch",
               "Strategies, master plans and plans", "42 Art. 4(1)(đ); TCTT Art. 17",
               "category:quy-hoach-ke-hoach", categories=("quy-hoach-ke-hoach",)),
    Obligation("budget", "Công khai ngân sách, tài chính, đầu tư công",
               "Budget, finance and public investment", "TCTT Art. 17(1)",
               "category:cong-khai-ngan-sach", categories=("cong-khai-ngan-sach",)),
    Obligation("procurement", "Đấu thầu, mua sắm công", "Procurement", "42 Art. 4(1); TCTT Art. 17",
               "category:dau-thau-mua-sam-cong", categories=("dau-thau-mua-sam-cong",)),
    Obligation("statistics", "Thống kê", "Statistics", "42 Art. 4(1); TCTT Art. 19",
               "category:thong-ke", categories=("thong-ke",)),
    Obligation("access_to_information", "Tiếp cận thông tin", "Access to information",
               "TCTT Art. 19(1)(g); Decree 13/2018 Art. 6, 11",
               "category:tiep-can-thong-tin", categories=("tiep-can-thong-tin",)),
    Obligation("feedback", "Hỏi đáp, phản ánh, kiến nghị", "Questions and feedback",
               "42 Art. 8(1)(a)", "feedback"),
    Obligation("draft_consultation", "Lấy ý kiến dự thảo văn bản", "Consultation on drafts",
               "42 Art. 8(1)(c)", "category:lay-y-kien-du-thao",
               categories=("lay-y-kien-du-thao",)),
    Obligation("contacts", "Liên hệ, người phát ngôn, người chịu trách nhiệm nội dung",
               "Contacts, spokesperson, person responsible for content",
               "42 Art. 4(1)(e); 244 Art. 4(3); TT 32/2017 Art. 16", "directory"),
    Obligation("reception_schedule", "Lịch tiếp công dân", "Citizen reception schedule",
               "Decree 154/2026", "schedule:reception"),
    Obligation("official_channels", "Danh sách kênh thông tin chính thức", "Official channels",
               "224 Art. 10(3); 244 Art. 5(2)", "official_channels"),
    Obligation("english", "Thông tin tiếng Anh: cơ cấu, chức năng, liên hệ",
               "English: organisation, functions, contacts", "42 Art. 7(2)", "profile:english"),
)  # fmt: skip

BY_KEY = {o.key: o for o in OBLIGATIONS}
