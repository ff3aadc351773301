"""The admin of rows a program admin may look at but never add, change or delete: they are written elsewhere
(the workflow, an import)."""

from django.contrib import admin


class ViewOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
