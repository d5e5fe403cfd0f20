"""The data model: one module per aggregate, all registered on one metadata."""

from roundup_crm.models.agent import Agent, AuditEntry
from roundup_crm.models.base import Base, Record, short_id, utcnow
from roundup_crm.models.company import Company, Contact, company_territories
from roundup_crm.models.deal import Deal, Instalment, deal_rights, deal_territories
from roundup_crm.models.enums import (
    AssetKind,
    AuditAction,
    CompanyType,
    CreditRole,
    DealStatus,
    FilmStatus,
    Interest,
    MeetingStatus,
    OfferSide,
    OfferStatus,
    ScreeningKind,
    Stage,
    TerritoryKind,
)
from roundup_crm.models.film import BoxOffice, Credit, FestivalEntry, Film, FilmAsset, PressQuote
from roundup_crm.models.followup import FollowUp
from roundup_crm.models.market import Invitation, Market, Screening
from roundup_crm.models.meeting import Meeting, MeetingFilm, meeting_contacts
from roundup_crm.models.money import ExchangeRate
from roundup_crm.models.pipeline import (
    Offer,
    Opportunity,
    StageChange,
    opportunity_rights,
    opportunity_territories,
)
from roundup_crm.models.territory import Right, Territory, TerritoryMember

metadata = Base.metadata

__all__ = [
    "Agent",
    "AssetKind",
    "AuditAction",
    "AuditEntry",
    "Base",
    "BoxOffice",
    "Company",
    "CompanyType",
    "Contact",
    "Credit",
    "CreditRole",
    "Deal",
    "DealStatus",
    "ExchangeRate",
    "FestivalEntry",
    "Film",
    "FilmAsset",
    "FilmStatus",
    "FollowUp",
    "Instalment",
    "Interest",
    "Invitation",
    "Market",
    "Meeting",
    "MeetingFilm",
    "MeetingStatus",
    "Offer",
    "OfferSide",
    "OfferStatus",
    "Opportunity",
    "PressQuote",
    "Record",
    "Right",
    "Screening",
    "ScreeningKind",
    "Stage",
    "StageChange",
    "Territory",
    "TerritoryKind",
    "TerritoryMember",
    "company_territories",
    "deal_rights",
    "deal_territories",
    "meeting_contacts",
    "metadata",
    "opportunity_rights",
    "opportunity_territories",
    "short_id",
    "utcnow",
]
