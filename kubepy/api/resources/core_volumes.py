"""Volume sources shared by pods and persistent volumes, and the claim types (core/v1 wire format).

Field names, JSON types, merge keys, list types and protobuf numbers follow Kubernetes' API;
descriptions are our own. Fields of Go structs embedded inline (VolumeSource, ProbeHandler...) are
flattened into their parent here, as in OpenAPI, so they carry no protobuf number of their own.
"""

from __future__ import annotations

from kubepy.api.resources.core_refs import (
    LocalObjectReference,
    NodeSelector,
    ObjectReference,
    TypedLocalObjectReference,
)
from kubepy.api.resources.meta import LabelSelector, ObjectMeta
from kubepy.api.schema import (
    BOOL,
    INT32,
    INT64,
    QUANTITY,
    STRING,
    TIME,
    Field,
    Struct,
    f,
    list_of,
    map_of,
    struct,
)

HostPathVolumeSource = struct(
    "io.k8s.api.core.v1.HostPathVolumeSource",
    "A file or directory of the node mounted into the pod.",
    path=f(STRING, "Path of the file or directory on the node.", required=True, proto=1),
    type=f(
        STRING,
        'What must exist at the path: "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.',
        proto=2,
        pointer=True,
    ),
)

EmptyDirVolumeSource = struct(
    "io.k8s.api.core.v1.EmptyDirVolumeSource",
    "A scratch directory that lives and dies with the pod.",
    medium=f(
        STRING, 'Storage medium backing the directory: "" for the node\'s disk, Memory for tmpfs.', proto=1
    ),
    sizeLimit=f(QUANTITY, "Upper bound on the space the directory may use.", proto=2, pointer=True),
)

GCEPersistentDiskVolumeSource = struct(
    "io.k8s.api.core.v1.GCEPersistentDiskVolumeSource",
    "A Google Compute Engine persistent disk attached to the node.",
    pdName=f(STRING, "Name of the persistent disk in GCE.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
    partition=f(INT32, "Partition to mount; 0 or unset means the whole disk.", proto=3),
    readOnly=f(BOOL, "Mount read-only when true.", proto=4),
)

AWSElasticBlockStoreVolumeSource = struct(
    "io.k8s.api.core.v1.AWSElasticBlockStoreVolumeSource",
    "An AWS EBS volume attached to the node.",
    volumeID=f(STRING, "EBS volume ID, written aws://<zone>/<id> or just the ID.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
    partition=f(INT32, "Partition to mount; 0 or unset means the whole volume.", proto=3),
    readOnly=f(BOOL, "Mount read-only when true.", proto=4),
)

GitRepoVolumeSource = struct(
    "io.k8s.api.core.v1.GitRepoVolumeSource",
    "Deprecated: a directory filled by cloning a git repository.",
    repository=f(STRING, "URL of the repository to clone.", required=True, proto=1),
    revision=f(STRING, "Commit to check out.", proto=2),
    directory=f(STRING, "Directory to clone into, relative to the volume root.", proto=3),
)

KeyToPath = struct(
    "io.k8s.api.core.v1.KeyToPath",
    "Maps one key of a Secret or ConfigMap to a file path.",
    key=f(STRING, "Key of the source object to project.", required=True, proto=1),
    path=f(STRING, "Relative file path the key is written to.", required=True, proto=2),
    mode=f(INT32, "Permission bits for this file, 0000 to 0777.", proto=3, pointer=True),
)

SecretVolumeSource = struct(
    "io.k8s.api.core.v1.SecretVolumeSource",
    "Files made from the keys of a Secret.",
    secretName=f(STRING, "Name of the Secret in the pod's namespace.", proto=1),
    items=f(
        list_of(KeyToPath),
        "Keys to project, each onto its own file path; unlisted keys are left out.",
        proto=2,
    ),
    defaultMode=f(
        INT32, "Permission bits for files created in the volume, 0000 to 0777.", proto=3, pointer=True
    ),
    optional=f(
        BOOL, "When true, the pod starts even if the Secret or its keys are missing.", proto=4, pointer=True
    ),
)

NFSVolumeSource = struct(
    "io.k8s.api.core.v1.NFSVolumeSource",
    "An NFS export mounted into the pod.",
    server=f(STRING, "Host name or IP of the NFS server.", required=True, proto=1),
    path=f(STRING, "Exported path on the NFS server.", required=True, proto=2),
    readOnly=f(BOOL, "Mount the export read-only.", proto=3),
)

ISCSIVolumeSource = struct(
    "io.k8s.api.core.v1.ISCSIVolumeSource",
    "An iSCSI disk attached to the node.",
    targetPortal=f(STRING, "iSCSI target portal, host or host:port.", required=True, proto=1),
    iqn=f(STRING, "iSCSI qualified name of the target.", required=True, proto=2),
    lun=f(INT32, "Target logical unit number.", required=True, proto=3),
    iscsiInterface=f(STRING, "iSCSI interface name; default is tcp.", proto=4),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=5),
    readOnly=f(BOOL, "Mount read-only when true.", proto=6),
    portals=f(list_of(STRING), "Additional target portals for multipath.", proto=7),
    chapAuthDiscovery=f(BOOL, "Use CHAP for iSCSI discovery.", proto=8),
    chapAuthSession=f(BOOL, "Use CHAP for the iSCSI session.", proto=11),
    secretRef=f(LocalObjectReference, "Secret holding the credentials for this volume.", proto=10),
    initiatorName=f(STRING, "Custom iSCSI initiator name.", proto=12, pointer=True),
)

GlusterfsVolumeSource = struct(
    "io.k8s.api.core.v1.GlusterfsVolumeSource",
    "A Glusterfs mount.",
    endpoints=f(STRING, "Endpoints object naming the Glusterfs servers.", required=True, proto=1),
    path=f(STRING, "Glusterfs volume path.", required=True, proto=2),
    readOnly=f(BOOL, "Mount read-only when true.", proto=3),
)

PersistentVolumeClaimVolumeSource = struct(
    "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource",
    "Uses the volume bound to a claim in the pod's namespace.",
    claimName=f(STRING, "Name of a PersistentVolumeClaim in the pod's namespace.", required=True, proto=1),
    readOnly=f(BOOL, "Mount read-only when true.", proto=2),
)

RBDVolumeSource = struct(
    "io.k8s.api.core.v1.RBDVolumeSource",
    "A Ceph RADOS block device.",
    monitors=f(list_of(STRING), "Ceph monitor addresses.", required=True, proto=1),
    image=f(STRING, "Name of the RADOS image.", required=True, proto=2),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=3),
    pool=f(STRING, "Storage pool name.", proto=4),
    user=f(STRING, "User name to authenticate as.", proto=5),
    keyring=f(STRING, "Path to the keyring for the user.", proto=6),
    secretRef=f(LocalObjectReference, "Secret holding the credentials for this volume.", proto=7),
    readOnly=f(BOOL, "Mount read-only when true.", proto=8),
)

FlexVolumeSource = struct(
    "io.k8s.api.core.v1.FlexVolumeSource",
    "A volume provided by an exec-based FlexVolume driver.",
    driver=f(STRING, "Name of the FlexVolume driver.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
    secretRef=f(LocalObjectReference, "Secret holding the credentials for this volume.", proto=3),
    readOnly=f(BOOL, "Mount read-only when true.", proto=4),
    options=f(map_of(STRING), "Extra driver options.", proto=5),
)

CinderVolumeSource = struct(
    "io.k8s.api.core.v1.CinderVolumeSource",
    "An OpenStack Cinder volume.",
    volumeID=f(STRING, "Identifier of the volume in its storage system.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
    readOnly=f(BOOL, "Mount read-only when true.", proto=3),
    secretRef=f(LocalObjectReference, "Secret holding the credentials for this volume.", proto=4),
)

CephFSVolumeSource = struct(
    "io.k8s.api.core.v1.CephFSVolumeSource",
    "A Ceph filesystem mount.",
    monitors=f(list_of(STRING), "Ceph monitor addresses.", required=True, proto=1),
    path=f(STRING, "Root of the mount inside the Ceph filesystem.", proto=2),
    user=f(STRING, "User name to authenticate as.", proto=3),
    secretFile=f(STRING, "Path to the file holding the user's secret.", proto=4),
    secretRef=f(LocalObjectReference, "Secret holding the credentials for this volume.", proto=5),
    readOnly=f(BOOL, "Mount read-only when true.", proto=6),
)

FlockerVolumeSource = struct(
    "io.k8s.api.core.v1.FlockerVolumeSource",
    "A Flocker dataset.",
    datasetName=f(STRING, "Flocker dataset name.", proto=1),
    datasetUUID=f(STRING, "Flocker dataset UUID.", proto=2),
)

ObjectFieldSelector = struct(
    "io.k8s.api.core.v1.ObjectFieldSelector",
    "Selects a field of the pod.",
    map_type="atomic",
    apiVersion=f(STRING, "Version of the schema fieldPath is written in; defaults to v1.", proto=1),
    fieldPath=f(STRING, "Path of the field to expose, e.g. metadata.name.", required=True, proto=2),
)

ResourceFieldSelector = struct(
    "io.k8s.api.core.v1.ResourceFieldSelector",
    "Selects a resource limit or request of a container.",
    map_type="atomic",
    containerName=f(STRING, "Container whose resources are read; required for volumes.", proto=1),
    resource=f(STRING, "Resource to expose, e.g. limits.cpu.", required=True, proto=2),
    divisor=f(QUANTITY, "Unit the value is divided by; defaults to 1.", proto=3),
)

DownwardAPIVolumeFile = struct(
    "io.k8s.api.core.v1.DownwardAPIVolumeFile",
    "One file with a pod field or container resource value.",
    path=f(STRING, "Relative path of the file to create.", required=True, proto=1),
    fieldRef=f(ObjectFieldSelector, "Pod field to write into the file.", proto=2),
    resourceFieldRef=f(ResourceFieldSelector, "Container resource to write into the file.", proto=3),
    mode=f(INT32, "Permission bits for this file, 0000 to 0777.", proto=4, pointer=True),
)

DownwardAPIVolumeSource = struct(
    "io.k8s.api.core.v1.DownwardAPIVolumeSource",
    "Files with pod metadata and container resources.",
    items=f(list_of(DownwardAPIVolumeFile), "Files to create, each from a pod field or resource.", proto=1),
    defaultMode=f(
        INT32, "Permission bits for files created in the volume, 0000 to 0777.", proto=2, pointer=True
    ),
)

FCVolumeSource = struct(
    "io.k8s.api.core.v1.FCVolumeSource",
    "A Fibre Channel disk.",
    targetWWNs=f(list_of(STRING), "Fibre Channel target world wide names.", proto=1),
    lun=f(INT32, "Target logical unit number.", proto=2, pointer=True),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=3),
    readOnly=f(BOOL, "Mount read-only when true.", proto=4),
    wwids=f(list_of(STRING), "Fibre Channel volume world wide identifiers.", proto=5),
)

AzureFileVolumeSource = struct(
    "io.k8s.api.core.v1.AzureFileVolumeSource",
    "An Azure File share.",
    secretName=f(STRING, "Name of the Secret to use.", required=True, proto=1),
    shareName=f(STRING, "Azure file share name.", required=True, proto=2),
    readOnly=f(BOOL, "Mount read-only when true.", proto=3),
)

ConfigMapVolumeSource = struct(
    "io.k8s.api.core.v1.ConfigMapVolumeSource",
    "Files made from the keys of a ConfigMap.",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    items=f(
        list_of(KeyToPath),
        "Keys to project, each onto its own file path; unlisted keys are left out.",
        proto=2,
    ),
    defaultMode=f(
        INT32, "Permission bits for files created in the volume, 0000 to 0777.", proto=3, pointer=True
    ),
    optional=f(
        BOOL,
        "When true, the pod starts even if the ConfigMap or its keys are missing.",
        proto=4,
        pointer=True,
    ),
)

VsphereVirtualDiskVolumeSource = struct(
    "io.k8s.api.core.v1.VsphereVirtualDiskVolumeSource",
    "A vSphere virtual disk.",
    volumePath=f(STRING, "Path of the vSphere disk.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
    storagePolicyName=f(STRING, "vSphere storage policy name.", proto=3),
    storagePolicyID=f(STRING, "vSphere storage policy ID.", proto=4),
)

QuobyteVolumeSource = struct(
    "io.k8s.api.core.v1.QuobyteVolumeSource",
    "A Quobyte mount.",
    registry=f(STRING, "Quobyte registry addresses as host:port.", required=True, proto=1),
    volume=f(STRING, "Name of an existing Quobyte volume.", required=True, proto=2),
    readOnly=f(BOOL, "Mount read-only when true.", proto=3),
    user=f(STRING, "User name to authenticate as.", proto=4),
    group=f(STRING, "Group to map access to.", proto=5),
    tenant=f(STRING, "Tenant owning the volume.", proto=6),
)

AzureDiskVolumeSource = struct(
    "io.k8s.api.core.v1.AzureDiskVolumeSource",
    "An Azure data disk.",
    diskName=f(STRING, "Name of the data disk in blob storage.", required=True, proto=1),
    diskURI=f(STRING, "URI of the data disk in blob storage.", required=True, proto=2),
    cachingMode=f(STRING, "Host caching: None, ReadOnly or ReadWrite.", proto=3, pointer=True),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=4, pointer=True),
    readOnly=f(BOOL, "Mount read-only when true.", proto=5, pointer=True),
    kind=f(STRING, "Shared, Dedicated or Managed.", proto=6, pointer=True),
)

PhotonPersistentDiskVolumeSource = struct(
    "io.k8s.api.core.v1.PhotonPersistentDiskVolumeSource",
    "A Photon Controller persistent disk.",
    pdID=f(STRING, "Photon Controller persistent disk ID.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
)

SecretProjection = struct(
    "io.k8s.api.core.v1.SecretProjection",
    "Keys of a Secret projected into a projected volume.",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    items=f(list_of(KeyToPath), "Keys of the Secret to project; unlisted keys are left out.", proto=2),
    optional=f(BOOL, "When true, a missing source is not an error.", proto=4, pointer=True),
)

DownwardAPIProjection = struct(
    "io.k8s.api.core.v1.DownwardAPIProjection",
    "Pod fields projected into a projected volume.",
    items=f(list_of(DownwardAPIVolumeFile), "Files to create, each from a pod field or resource.", proto=1),
)

ConfigMapProjection = struct(
    "io.k8s.api.core.v1.ConfigMapProjection",
    "Keys of a ConfigMap projected into a projected volume.",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    items=f(list_of(KeyToPath), "Keys of the ConfigMap to project; unlisted keys are left out.", proto=2),
    optional=f(BOOL, "When true, a missing source is not an error.", proto=4, pointer=True),
)

ServiceAccountTokenProjection = struct(
    "io.k8s.api.core.v1.ServiceAccountTokenProjection",
    "A service account token projected into a projected volume.",
    audience=f(STRING, "Audience the token is meant for; defaults to the apiserver.", proto=1),
    expirationSeconds=f(
        INT64,
        "Requested token lifetime; the kubelet rotates the token before it ends.",
        proto=2,
        pointer=True,
    ),
    path=f(STRING, "Relative file path the token is written to.", required=True, proto=3),
)

ClusterTrustBundleProjection = struct(
    "io.k8s.api.core.v1.ClusterTrustBundleProjection",
    "Certificates of ClusterTrustBundles projected into a file.",
    name=f(STRING, "Name of a single ClusterTrustBundle to project.", proto=1, pointer=True),
    signerName=f(STRING, "Name of the signer issuing the certificate.", proto=2, pointer=True),
    labelSelector=f(LabelSelector, "Select ClusterTrustBundles of signerName by labels.", proto=3),
    optional=f(BOOL, "When true, a missing source is not an error.", proto=5, pointer=True),
    path=f(STRING, "Relative file path the bundle is written to.", required=True, proto=4),
)

PodCertificateProjection = struct(
    "io.k8s.api.core.v1.PodCertificateProjection",
    "A key and certificate issued for the pod, projected into files.",
    signerName=f(STRING, "Name of the signer issuing the certificate.", proto=1, required=True),
    keyType=f(STRING, "Kind of private key to generate.", proto=2, required=True),
    maxExpirationSeconds=f(INT32, "Longest certificate lifetime to request.", proto=3, pointer=True),
    credentialBundlePath=f(STRING, "File holding the key and certificate chain together.", proto=4),
    keyPath=f(STRING, "File holding the private key.", proto=5),
    certificateChainPath=f(STRING, "File holding the certificate chain.", proto=6),
    userAnnotations=f(map_of(STRING), "Annotations copied onto the certificate request.", proto=7),
)

VolumeProjection = struct(
    "io.k8s.api.core.v1.VolumeProjection",
    "One source of a projected volume; exactly one member is set.",
    secret=f(SecretProjection, "Project keys of a Secret.", proto=1),
    downwardAPI=f(DownwardAPIProjection, "Project pod fields and resources.", proto=2),
    configMap=f(ConfigMapProjection, "Project keys of a ConfigMap.", proto=3),
    serviceAccountToken=f(ServiceAccountTokenProjection, "Project a service account token.", proto=4),
    clusterTrustBundle=f(
        ClusterTrustBundleProjection, "Project certificates of ClusterTrustBundles.", proto=5
    ),
    podCertificate=f(
        PodCertificateProjection, "Project a key and a certificate issued for the pod.", proto=6
    ),
)

ProjectedVolumeSource = struct(
    "io.k8s.api.core.v1.ProjectedVolumeSource",
    "Several sources merged into one directory.",
    sources=f(list_of(VolumeProjection), "Sources merged into the one volume.", proto=1),
    defaultMode=f(
        INT32, "Permission bits for files created in the volume, 0000 to 0777.", proto=2, pointer=True
    ),
)

PortworxVolumeSource = struct(
    "io.k8s.api.core.v1.PortworxVolumeSource",
    "A Portworx volume.",
    volumeID=f(STRING, "Identifier of the volume in its storage system.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2),
    readOnly=f(BOOL, "Mount read-only when true.", proto=3),
)

ScaleIOVolumeSource = struct(
    "io.k8s.api.core.v1.ScaleIOVolumeSource",
    "A ScaleIO volume.",
    gateway=f(STRING, "Address of the ScaleIO API gateway.", required=True, proto=1),
    system=f(STRING, "Name of the ScaleIO storage system.", required=True, proto=2),
    secretRef=f(
        LocalObjectReference, "Secret holding the credentials for this volume.", required=True, proto=3
    ),
    sslEnabled=f(BOOL, "Use SSL to talk to the gateway.", proto=4),
    protectionDomain=f(STRING, "ScaleIO protection domain.", proto=5),
    storagePool=f(STRING, "ScaleIO storage pool.", proto=6),
    storageMode=f(STRING, "ThickProvisioned or ThinProvisioned.", proto=7),
    volumeName=f(STRING, "Name of the volume.", proto=8),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=9),
    readOnly=f(BOOL, "Mount read-only when true.", proto=10),
)

StorageOSVolumeSource = struct(
    "io.k8s.api.core.v1.StorageOSVolumeSource",
    "A StorageOS volume.",
    volumeName=f(STRING, "Name of the volume.", proto=1),
    volumeNamespace=f(STRING, "Namespace of the volume in its storage system.", proto=2),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=3),
    readOnly=f(BOOL, "Mount read-only when true.", proto=4),
    secretRef=f(LocalObjectReference, "Secret holding the credentials for this volume.", proto=5),
)

CSIVolumeSource = struct(
    "io.k8s.api.core.v1.CSIVolumeSource",
    "An ephemeral volume served by a CSI driver.",
    driver=f(STRING, "Name of the driver serving the volume.", required=True, proto=1),
    readOnly=f(BOOL, "Mount read-only; defaults to false.", proto=2, pointer=True),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=3, pointer=True),
    volumeAttributes=f(map_of(STRING), "Driver-specific attributes.", proto=4),
    nodePublishSecretRef=f(
        LocalObjectReference, "Secret passed to the driver when publishing the volume on a node.", proto=5
    ),
)

VolumeResourceRequirements = struct(
    "io.k8s.api.core.v1.VolumeResourceRequirements",
    "Storage a claim asks for.",
    limits=f(map_of(QUANTITY), "Most storage the claim may use.", proto=1),
    requests=f(map_of(QUANTITY), "Least storage the claim needs.", proto=2),
)

TypedObjectReference = struct(
    "io.k8s.api.core.v1.TypedObjectReference",
    "A reference to an object of a given kind, possibly in another namespace.",
    apiGroup=f(
        STRING, "API group of the referenced object; empty for the core group.", proto=1, pointer=True
    ),
    kind=f(STRING, "Kind of the referenced object.", required=True, proto=2),
    name=f(STRING, "Name of the referenced object.", required=True, proto=3),
    namespace=f(
        STRING,
        "Namespace of the referenced object; needs a ReferenceGrant when different.",
        proto=4,
        pointer=True,
    ),
)

PersistentVolumeClaimSpec = struct(
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
    "What storage a claim asks for.",
    accessModes=f(list_of(STRING), "Access modes the volume must support.", proto=1),
    selector=f(LabelSelector, "Label query over volumes that may be bound.", proto=4),
    resources=f(VolumeResourceRequirements, "Storage the claim requests.", proto=2),
    volumeName=f(STRING, "Binds the claim to this PersistentVolume.", proto=3),
    storageClassName=f(
        STRING, "StorageClass required by the claim; empty means none.", proto=5, pointer=True
    ),
    volumeMode=f(STRING, "Filesystem or Block; defaults to Filesystem.", proto=6, pointer=True),
    dataSource=f(
        TypedLocalObjectReference,
        "Object to populate the new volume from, such as a VolumeSnapshot or another claim.",
        proto=7,
    ),
    dataSourceRef=f(
        TypedObjectReference, "Populator object to fill the new volume from, of any kind.", proto=8
    ),
    volumeAttributesClassName=f(STRING, "VolumeAttributesClass the claim uses.", proto=9, pointer=True),
)

PersistentVolumeClaimTemplate = struct(
    "io.k8s.api.core.v1.PersistentVolumeClaimTemplate",
    "Template of a claim created for an ephemeral volume.",
    metadata=f(ObjectMeta, "Labels and annotations copied to the created claim.", proto=1),
    spec=f(PersistentVolumeClaimSpec, "Spec of the created claim.", required=True, proto=2),
)

EphemeralVolumeSource = struct(
    "io.k8s.api.core.v1.EphemeralVolumeSource",
    "A volume backed by a claim that is created and deleted with the pod.",
    volumeClaimTemplate=f(
        PersistentVolumeClaimTemplate,
        "Template of the claim created with, and deleted with, the pod.",
        proto=1,
    ),
)

ImageVolumeSource = struct(
    "io.k8s.api.core.v1.ImageVolumeSource",
    "An OCI image or artifact mounted read-only.",
    reference=f(STRING, "Image or artifact reference to mount.", proto=1),
    pullPolicy=f(STRING, "Always, Never or IfNotPresent.", proto=2),
)

Volume = struct(
    "io.k8s.api.core.v1.Volume",
    "A named volume of a pod that its containers can mount.",
    name=f(STRING, "Name of the volume, a DNS label unique within the pod.", required=True, proto=1),
    hostPath=f(HostPathVolumeSource, "File or directory of the node.", proto=1, embed=2),
    emptyDir=f(EmptyDirVolumeSource, "Empty directory living as long as the pod.", proto=2, embed=2),
    gcePersistentDisk=f(
        GCEPersistentDiskVolumeSource, "GCE persistent disk attached to the node.", proto=3, embed=2
    ),
    awsElasticBlockStore=f(
        AWSElasticBlockStoreVolumeSource, "AWS EBS volume attached to the node.", proto=4, embed=2
    ),
    gitRepo=f(
        GitRepoVolumeSource, "Deprecated: a git repository cloned into an empty directory.", proto=5, embed=2
    ),
    secret=f(SecretVolumeSource, "Secret whose keys become files.", proto=6, embed=2),
    nfs=f(NFSVolumeSource, "NFS export.", proto=7, embed=2),
    iscsi=f(ISCSIVolumeSource, "iSCSI disk.", proto=8, embed=2),
    glusterfs=f(GlusterfsVolumeSource, "Glusterfs mount.", proto=9, embed=2),
    persistentVolumeClaim=f(
        PersistentVolumeClaimVolumeSource,
        "Claim for a PersistentVolume in the pod's namespace.",
        proto=10,
        embed=2,
    ),
    rbd=f(RBDVolumeSource, "Ceph RADOS block device.", proto=11, embed=2),
    flexVolume=f(FlexVolumeSource, "Volume provided by a FlexVolume driver.", proto=12, embed=2),
    cinder=f(CinderVolumeSource, "OpenStack Cinder volume.", proto=13, embed=2),
    cephfs=f(CephFSVolumeSource, "Ceph filesystem mount.", proto=14, embed=2),
    flocker=f(FlockerVolumeSource, "Flocker dataset.", proto=15, embed=2),
    downwardAPI=f(DownwardAPIVolumeSource, "Files with pod metadata and resources.", proto=16, embed=2),
    fc=f(FCVolumeSource, "Fibre Channel disk.", proto=17, embed=2),
    azureFile=f(AzureFileVolumeSource, "Azure File share.", proto=18, embed=2),
    configMap=f(ConfigMapVolumeSource, "ConfigMap whose keys become files.", proto=19, embed=2),
    vsphereVolume=f(VsphereVirtualDiskVolumeSource, "vSphere disk.", proto=20, embed=2),
    quobyte=f(QuobyteVolumeSource, "Quobyte mount.", proto=21, embed=2),
    azureDisk=f(AzureDiskVolumeSource, "Azure data disk.", proto=22, embed=2),
    photonPersistentDisk=f(
        PhotonPersistentDiskVolumeSource, "Photon Controller persistent disk.", proto=23, embed=2
    ),
    projected=f(ProjectedVolumeSource, "Several sources projected into one directory.", proto=26, embed=2),
    portworxVolume=f(PortworxVolumeSource, "Portworx volume.", proto=24, embed=2),
    scaleIO=f(ScaleIOVolumeSource, "ScaleIO volume.", proto=25, embed=2),
    storageos=f(StorageOSVolumeSource, "StorageOS volume.", proto=27, embed=2),
    csi=f(CSIVolumeSource, "Volume served by a CSI driver.", proto=28, embed=2),
    ephemeral=f(
        EphemeralVolumeSource, "Volume from a claim made for this pod and removed with it.", proto=29, embed=2
    ),
    image=f(ImageVolumeSource, "Image or artifact mounted read-only.", proto=30, embed=2),
)


def _for_persistent_volume(base: Struct, name: str, description: str, **changed: Field) -> Struct:
    """A PersistentVolume's source is its pod-volume twin with the secret reference made
    namespaced (or one field added): the same fields, numbered alike, so it is derived."""
    return struct(name, description, {**base.fields, **changed}, map_type=base.map_type)


GlusterfsPersistentVolumeSource = _for_persistent_volume(
    GlusterfsVolumeSource,
    "io.k8s.api.core.v1.GlusterfsPersistentVolumeSource",
    "A Glusterfs mount for a persistent volume.",
    endpointsNamespace=f(
        STRING, "Namespace of the Endpoints object; defaults to the claim's.", proto=4, pointer=True
    ),
)

SecretReference = struct(
    "io.k8s.api.core.v1.SecretReference",
    "A reference to a Secret by name and namespace.",
    map_type="atomic",
    name=f(STRING, "Name of the Secret.", proto=1),
    namespace=f(STRING, "Namespace of the Secret.", proto=2),
)

RBDPersistentVolumeSource = _for_persistent_volume(
    RBDVolumeSource,
    "io.k8s.api.core.v1.RBDPersistentVolumeSource",
    "A Ceph RADOS block device for a persistent volume.",
    secretRef=f(SecretReference, "Secret holding the credentials for this volume.", proto=7),
)

ISCSIPersistentVolumeSource = _for_persistent_volume(
    ISCSIVolumeSource,
    "io.k8s.api.core.v1.ISCSIPersistentVolumeSource",
    "An iSCSI disk for a persistent volume.",
    secretRef=f(SecretReference, "Secret holding the credentials for this volume.", proto=10),
)

CinderPersistentVolumeSource = _for_persistent_volume(
    CinderVolumeSource,
    "io.k8s.api.core.v1.CinderPersistentVolumeSource",
    "An OpenStack Cinder volume for a persistent volume.",
    secretRef=f(SecretReference, "Secret holding the credentials for this volume.", proto=4),
)

CephFSPersistentVolumeSource = _for_persistent_volume(
    CephFSVolumeSource,
    "io.k8s.api.core.v1.CephFSPersistentVolumeSource",
    "A Ceph filesystem mount for a persistent volume.",
    secretRef=f(SecretReference, "Secret holding the credentials for this volume.", proto=5),
)

FlexPersistentVolumeSource = _for_persistent_volume(
    FlexVolumeSource,
    "io.k8s.api.core.v1.FlexPersistentVolumeSource",
    "A FlexVolume driver volume for a persistent volume.",
    secretRef=f(SecretReference, "Secret holding the credentials for this volume.", proto=3),
)

AzureFilePersistentVolumeSource = _for_persistent_volume(
    AzureFileVolumeSource,
    "io.k8s.api.core.v1.AzureFilePersistentVolumeSource",
    "An Azure File share for a persistent volume.",
    secretNamespace=f(STRING, "Namespace of the Secret; defaults to the pod's.", proto=4, pointer=True),
)

ScaleIOPersistentVolumeSource = _for_persistent_volume(
    ScaleIOVolumeSource,
    "io.k8s.api.core.v1.ScaleIOPersistentVolumeSource",
    "A ScaleIO volume for a persistent volume.",
    secretRef=f(SecretReference, "Secret holding the credentials for this volume.", required=True, proto=3),
)

LocalVolumeSource = struct(
    "io.k8s.api.core.v1.LocalVolumeSource",
    "A disk or directory local to one node.",
    path=f(STRING, "Path of the directory or block device on the node.", required=True, proto=1),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=2, pointer=True),
)

StorageOSPersistentVolumeSource = _for_persistent_volume(
    StorageOSVolumeSource,
    "io.k8s.api.core.v1.StorageOSPersistentVolumeSource",
    "A StorageOS volume for a persistent volume.",
    secretRef=f(ObjectReference, "Secret holding the credentials for this volume.", proto=5),
)

CSIPersistentVolumeSource = struct(
    "io.k8s.api.core.v1.CSIPersistentVolumeSource",
    "A persistent volume served by a CSI driver.",
    driver=f(STRING, "Name of the driver serving the volume.", required=True, proto=1),
    volumeHandle=f(STRING, "Identifier the driver gave the volume.", required=True, proto=2),
    readOnly=f(BOOL, "Mount read-only when true.", proto=3),
    fsType=f(STRING, "Filesystem type to mount, such as ext4 or xfs.", proto=4),
    volumeAttributes=f(map_of(STRING), "Driver-specific attributes.", proto=5),
    controllerPublishSecretRef=f(
        SecretReference, "Secret passed to the driver when attaching the volume.", proto=6
    ),
    nodeStageSecretRef=f(
        SecretReference, "Secret passed to the driver when staging the volume on a node.", proto=7
    ),
    nodePublishSecretRef=f(
        SecretReference, "Secret passed to the driver when publishing the volume on a node.", proto=8
    ),
    controllerExpandSecretRef=f(
        SecretReference, "Secret passed to the driver when expanding the volume.", proto=9
    ),
    nodeExpandSecretRef=f(
        SecretReference, "Secret passed to the driver when expanding the volume on a node.", proto=10
    ),
)

VolumeNodeAffinity = struct(
    "io.k8s.api.core.v1.VolumeNodeAffinity",
    "Which nodes a volume can be reached from.",
    required=f(NodeSelector, "Nodes the volume can be reached from.", proto=1),
)

PersistentVolumeSpec = struct(
    "io.k8s.api.core.v1.PersistentVolumeSpec",
    "Desired state of a persistent volume.",
    capacity=f(map_of(QUANTITY), "Size and other resources of the volume.", proto=1),
    gcePersistentDisk=f(
        GCEPersistentDiskVolumeSource, "GCE persistent disk attached to the node.", proto=1, embed=2
    ),
    awsElasticBlockStore=f(
        AWSElasticBlockStoreVolumeSource, "AWS EBS volume attached to the node.", proto=2, embed=2
    ),
    hostPath=f(
        HostPathVolumeSource, "Directory of the node; for single-node testing only.", proto=3, embed=2
    ),
    glusterfs=f(GlusterfsPersistentVolumeSource, "Glusterfs mount.", proto=4, embed=2),
    nfs=f(NFSVolumeSource, "NFS export.", proto=5, embed=2),
    rbd=f(RBDPersistentVolumeSource, "Ceph RADOS block device.", proto=6, embed=2),
    iscsi=f(ISCSIPersistentVolumeSource, "iSCSI disk.", proto=7, embed=2),
    cinder=f(CinderPersistentVolumeSource, "OpenStack Cinder volume.", proto=8, embed=2),
    cephfs=f(CephFSPersistentVolumeSource, "Ceph filesystem mount.", proto=9, embed=2),
    fc=f(FCVolumeSource, "Fibre Channel disk.", proto=10, embed=2),
    flocker=f(FlockerVolumeSource, "Flocker dataset.", proto=11, embed=2),
    flexVolume=f(FlexPersistentVolumeSource, "Volume provided by a FlexVolume driver.", proto=12, embed=2),
    azureFile=f(AzureFilePersistentVolumeSource, "Azure File share.", proto=13, embed=2),
    vsphereVolume=f(VsphereVirtualDiskVolumeSource, "vSphere disk.", proto=14, embed=2),
    quobyte=f(QuobyteVolumeSource, "Quobyte mount.", proto=15, embed=2),
    azureDisk=f(AzureDiskVolumeSource, "Azure data disk.", proto=16, embed=2),
    photonPersistentDisk=f(
        PhotonPersistentDiskVolumeSource, "Photon Controller persistent disk.", proto=17, embed=2
    ),
    portworxVolume=f(PortworxVolumeSource, "Portworx volume.", proto=18, embed=2),
    scaleIO=f(ScaleIOPersistentVolumeSource, "ScaleIO volume.", proto=19, embed=2),
    local=f(LocalVolumeSource, "Local disk or directory of one node.", proto=20, embed=2),
    storageos=f(StorageOSPersistentVolumeSource, "StorageOS volume.", proto=21, embed=2),
    csi=f(CSIPersistentVolumeSource, "Volume served by a CSI driver.", proto=22, embed=2),
    accessModes=f(list_of(STRING), "Ways the volume can be mounted.", proto=3),
    claimRef=f(ObjectReference, "Claim bound to this volume.", proto=4),
    persistentVolumeReclaimPolicy=f(
        STRING,
        "Retain, Recycle or Delete: what happens when the claim is released; defaults to Retain.",
        proto=5,
    ),
    storageClassName=f(STRING, "Name of the StorageClass this volume belongs to.", proto=6),
    mountOptions=f(list_of(STRING), "Mount options used when mounting the volume.", proto=7),
    volumeMode=f(STRING, "Filesystem or Block; defaults to Filesystem.", proto=8, pointer=True),
    nodeAffinity=f(VolumeNodeAffinity, "Nodes the volume can be used from.", proto=9),
    volumeAttributesClassName=f(
        STRING, "VolumeAttributesClass to apply to the volume.", proto=10, pointer=True
    ),
)

PersistentVolumeStatus = struct(
    "io.k8s.api.core.v1.PersistentVolumeStatus",
    "Observed state of a persistent volume.",
    phase=f(STRING, "Pending, Available, Bound, Released or Failed.", proto=1),
    message=f(STRING, "Human-readable explanation.", proto=2),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=3),
    lastPhaseTransitionTime=f(TIME, "When the phase last changed.", proto=4, pointer=True),
)

PersistentVolumeClaimCondition = struct(
    "io.k8s.api.core.v1.PersistentVolumeClaimCondition",
    "One condition of a claim.",
    type=f(STRING, "Condition type, such as Resizing.", required=True, proto=1),
    status=f(STRING, "True, False or Unknown.", required=True, proto=2),
    lastProbeTime=f(TIME, "When the condition was last checked.", proto=3),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=4),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=5),
    message=f(STRING, "Human-readable explanation.", proto=6),
)

ModifyVolumeStatus = struct(
    "io.k8s.api.core.v1.ModifyVolumeStatus",
    "Progress of a change of volume attributes class.",
    targetVolumeAttributesClassName=f(STRING, "VolumeAttributesClass being applied.", proto=1),
    status=f(STRING, "Pending, InProgress or Infeasible.", required=True, proto=2),
)

PersistentVolumeClaimStatus = struct(
    "io.k8s.api.core.v1.PersistentVolumeClaimStatus",
    "Observed state of a persistent volume claim.",
    phase=f(STRING, "Pending, Bound or Lost.", proto=1),
    accessModes=f(list_of(STRING), "Access modes of the bound volume.", proto=2),
    capacity=f(map_of(QUANTITY), "Resources of the bound volume.", proto=3),
    conditions=f(
        list_of(PersistentVolumeClaimCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=4,
    ),
    allocatedResources=f(map_of(QUANTITY), "Resources the system has allocated.", proto=5),
    allocatedResourceStatuses=f(
        map_of(STRING), "Progress of resize operations per resource.", map_type="granular", proto=7
    ),
    currentVolumeAttributesClassName=f(
        STRING, "VolumeAttributesClass currently applied.", proto=8, pointer=True
    ),
    modifyVolumeStatus=f(ModifyVolumeStatus, "Progress of a volume attributes change.", proto=9),
)
