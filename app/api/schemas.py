"""Response models of the REST API."""
from datetime import datetime
from typing import Optional

from pydantic import BaseModel


class CheckPublic(BaseModel):
    id: str
    component: str
    status: str
    score: Optional[float]
    max_score: float
    error: Optional[float]
    threshold: Optional[float]
    message: Optional[str]
    output: Optional[str]
    description: str = ''
    metric: str = ''
    hidden: bool = False


class SubmissionPublic(BaseModel):
    id: int
    assignment: str
    status: str
    score: Optional[float]
    max_score: Optional[float]
    grader_version: Optional[str]
    attempts: int
    late: bool
    error: Optional[str]
    requested_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]
    checks: list[CheckPublic] = []


class SubmissionList(BaseModel):
    data: list[SubmissionPublic]
    count: int
