package app.splitline.android.device

import android.Manifest
import android.app.AlertDialog
import android.content.pm.PackageManager
import android.provider.ContactsContract
import android.widget.Switch
import android.widget.TextView
import app.splitline.android.SplitlineApp
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.device.AddressBookImport
import app.splitline.testsupport.TestNetwork
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/** The address-book import from a test provider behind ContactsContract's authority into the real core. */
@RunWith(RobolectricTestRunner::class)
class ContactsImporterTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private lateinit var provider: FakeContactsProvider
    private val ada = FakeContactsProvider.Person(1, "Ada Lovelace", listOf("+44 20 7946 0018"), 100)
    private val bob = FakeContactsProvider.Person(2, "Bob Babbage", listOf("+44 20 7946 0999"), 200)

    @Before
    fun setUp() {
        provider = Robolectric.setupContentProvider(FakeContactsProvider::class.java, ContactsContract.AUTHORITY)
        provider.people = listOf(ada, bob)
        val account = Account.open(
            app.filesDir,
            AccountSettings(listOf(TestNetwork.gateway), TestNetwork.account("mallory").address, "robolectric", "robolectric"),
        ).getOrThrow()
        app.adopt(account)
    }

    @After
    fun tearDown() = app.adopt(null)

    private fun callerName(number: String): String? = AddressBookImport(app.account ?: error("no account")).callerName(number).getOrThrow()

    @Test
    fun theContactsAreImportedIntoTheCoreAndAChangeReImportsThroughTheObserver() {
        shadowOf(app).grantPermissions(Manifest.permission.READ_CONTACTS)
        val importer = ContactsImporter(app)
        importer.setOn(true)
        assertEquals(ContactsStatus.On(2), importer.importNow())
        assertEquals("Ada Lovelace", callerName("+442079460018"))
        assertEquals(1, provider.phoneQueries)

        provider.change(listOf(ada.copy(name = "Ada King", updated = 101), bob))
        idleUntil("the re-import after the change") { callerName("+442079460018") == "Ada King" }
        assertEquals(2, provider.phoneQueries)

        provider.change(listOf(ada.copy(name = "Ada King", updated = 101)))
        // The core's store changes first, the importer's own snapshot (its count) just after.
        idleUntil("Bob's removal, then the count") { callerName("+442079460999") == null && importer.status() == ContactsStatus.On(1) }
    }

    @Test
    fun aNotificationWithNothingChangedReadsNoNumbers() {
        shadowOf(app).grantPermissions(Manifest.permission.READ_CONTACTS)
        val importer = ContactsImporter(app)
        importer.setOn(true)
        importer.importNow()
        assertEquals(ContactsStatus.On(2), importer.importNow())
        assertEquals(1, provider.phoneQueries)
    }

    @Test
    fun readContactsRefusedTurnsTheFeatureOffAndSaysWhy() {
        shadowOf(app).denyPermissions(Manifest.permission.READ_CONTACTS)
        val activity = Robolectric.buildActivity(AddressBookActivity::class.java).setup().get()
        val toggle = activity.requireViewById<Switch>(AddressBookIds.SWITCH)
        toggle.performClick()
        clickLatestDialog(AlertDialog.BUTTON_POSITIVE)
        val request = shadowOf(activity).lastRequestedPermission
        assertEquals(listOf(Manifest.permission.READ_CONTACTS), request.requestedPermissions.toList())
        activity.onRequestPermissionsResult(request.requestCode, request.requestedPermissions, intArrayOf(PackageManager.PERMISSION_DENIED))

        assertFalse(toggle.isChecked)
        assertEquals(ContactsStatus.Refused.words, activity.requireViewById<TextView>(AddressBookIds.STATUS).text.toString())
        assertEquals(ContactsStatus.Refused, ContactsImporter(app).importNow())
        assertEquals(0, provider.phoneQueries)
    }
}
