"""Models of the courses app, re-exported from one module per concern."""

from .learning import (
    CourseCompletion,
    Enrolment,
    LessonProgress,
    ProgramCompletion,
    Quiz,
    QuizAttempt,
)
from .pages import (
    CataloguePage,
    CoursePage,
    LessonPage,
    ModulePage,
    ProgramCourse,
    ProgramPage,
)
from .taxonomy import Industry, Institution, Level, Skill
from .versioning import ContentVersion

__all__ = [
    "CataloguePage",
    "ContentVersion",
    "CourseCompletion",
    "CoursePage",
    "Enrolment",
    "Industry",
    "Institution",
    "LessonPage",
    "LessonProgress",
    "Level",
    "ModulePage",
    "ProgramCompletion",
    "ProgramCourse",
    "ProgramPage",
    "Quiz",
    "QuizAttempt",
    "Skill",
]
