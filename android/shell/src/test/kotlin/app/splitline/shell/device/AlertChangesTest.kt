package app.splitline.shell.device

import org.junit.Assert.assertEquals
import org.junit.Test

class AlertChangesTest {
    @Test
    fun aChatWhoseUnreadCountGrewIsNotifiedUnlessItIsOnScreen() {
        val before = listOf(UnreadChat("bob@d", "bob", 1), UnreadChat("room@d", "Room", 0))
        val now = listOf(UnreadChat("bob@d", "bob", 2), UnreadChat("room@d", "Room", 3))
        assertEquals(
            AlertChanges(listOf(MessageAlert("bob@d", "bob", 2), MessageAlert("room@d", "Room", 3)), emptyList()),
            AlertChanges.between(before, now, showing = null),
        )
        assertEquals(listOf(MessageAlert("room@d", "Room", 3)), AlertChanges.between(before, now, showing = "bob@d").post)
    }

    @Test
    fun aChatReadOrGoneLosesItsNotificationAndAnUnchangedCountPostsNothing() {
        val before = listOf(UnreadChat("bob@d", "bob", 2), UnreadChat("carol@d", "carol", 1), UnreadChat("dave@d", "dave", 4))
        val now = listOf(UnreadChat("bob@d", "bob", 0), UnreadChat("dave@d", "dave", 4))
        assertEquals(AlertChanges(emptyList(), listOf("bob@d", "carol@d")), AlertChanges.between(before, now, showing = null))
    }
}
